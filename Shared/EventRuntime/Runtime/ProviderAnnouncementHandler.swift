import EventContracts
import Foundation
import GRDB
import Logging
import ModelCatalog

/// Feeds `providers.announced` to the service's `ProviderHealth`: a bridge's announcement is
/// committed with the inbox row (an older one than stored changes nothing), then published to the
/// in-memory state routing reads.
public struct ProviderAnnouncementHandler: EventHandler {
    let health: ProviderHealth
    let logger: Logger

    public init(health: ProviderHealth, logger: Logger) {
        self.health = health
        self.logger = logger
    }

    /// The handler on a consumer of its own (group `<service>.providers.<replica>`: every replica
    /// hears every bridge), so that announcements arrive whatever the service's job topics hold: a
    /// backlog, or a job retried until a bridge has spoken.
    public static func consumer(service: String, common: CommonConfiguration, database: ServiceDatabase, health: ProviderHealth,
                                logger: Logger) throws -> EventConsumerService {
        try EventConsumerService(brokers: common.kafkaBrokers, groupID: "\(service).providers.\(common.replicaID)", database: database,
                                 handler: ProviderAnnouncementHandler(health: health, logger: logger), logger: logger, consumers: common.consumers)
    }

    public var eventTypes: [EventType] { [.providersAnnounced] }

    public func handle(_ event: IncomingEvent) async throws {
        let envelope = try event.decode(ProvidersAnnounced.self)
        let data = envelope.data
        let record = ProviderAnnouncementRecord(bridgeID: data.bridgeID, providers: data.providers, announcedAt: envelope.time,
                                                expiresAt: envelope.time.addingTimeInterval(Double(data.validForSeconds)))
        let changed = try await event.inbox.commit { db -> Bool in
            let held = try ProviderAnnouncementRecord.fetchOne(db, key: data.bridgeID)
            if let held, held.announcedAt > record.announcedAt { return false }
            try record.save(db)
            return held?.providers != record.providers
        }
        guard let changed else { return }
        health.update(record.announcement, of: data.bridgeID)
        let metadata: Logger.Metadata = ["bridge": "\(data.bridgeID)", "providers": "\(data.providers.joined(separator: ","))",
                                         "expires_at": "\(EventCoding.format(record.expiresAt))"]
        if changed {
            logger.notice("Provider-bridge announced its providers", metadata: metadata)
        } else {
            logger.debug("Provider-bridge renewed its announcement", metadata: metadata)
        }
    }
}
