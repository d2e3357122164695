import EventContracts
import Foundation
import Logging
import ModelCatalog

/// Feeds `provider.outcome` events to the providers' circuit breakers: the new state is committed
/// with the inbox row, then published to the in-memory `ProviderHealth` that routing reads. Each
/// outcome counts at its event's time, so a replica that reads the history from the start ends
/// with the breakers as they are now.
public struct ProviderHealthHandler: EventHandler {
    let health: ProviderHealth
    let logger: Logger

    public init(health: ProviderHealth, logger: Logger) {
        self.health = health
        self.logger = logger
    }

    /// The handler on a consumer of its own (group `<service>.health.<replica>`): every replica sees
    /// every provider's outcomes, whichever workspace's jobs they came from.
    public static func consumer(service: String, common: CommonConfiguration, database: ServiceDatabase, health: ProviderHealth,
                                logger: Logger) throws -> EventConsumerService {
        try EventConsumerService(brokers: common.kafkaBrokers, groupID: "\(service).health.\(common.replicaID)", database: database,
                                 handler: ProviderHealthHandler(health: health, logger: logger), logger: logger, consumers: common.consumers)
    }

    public var eventTypes: [EventType] { [.providerOutcome] }

    public func handle(_ event: IncomingEvent) async throws {
        let envelope = try event.decode(ProviderOutcome.self)
        let outcome = envelope.data
        let policy = health.policy
        let now = envelope.time
        let result = try await event.inbox.commit { db -> (CircuitBreaker, CircuitBreaker.Transition?) in
            var breaker = try ProviderBreakerRecord.fetchOne(db, key: outcome.provider)?.breaker ?? CircuitBreaker()
            let transition = breaker.record(outcome, at: now, policy: policy)
            try ProviderBreakerRecord(provider: outcome.provider, breaker: breaker, updatedAt: now).save(db)
            return (breaker, transition)
        }
        guard let (breaker, transition) = result else { return }
        health.update(breaker, of: outcome.provider)
        switch transition {
        case .opened(let until, let reason):
            logger.warning("Provider marked unhealthy", metadata: [
                "provider": "\(outcome.provider)", "reason": "\(reason)", "until": "\(EventCoding.format(until))"])
        case .closed:
            logger.notice("Provider healthy again", metadata: ["provider": "\(outcome.provider)"])
        case nil:
            logger.debug("Provider outcome recorded", metadata: [
                "provider": "\(outcome.provider)", "succeeded": "\(outcome.succeeded)", "state": "\(breaker.state.rawValue)"])
        }
    }
}
