import Logging
import ServiceLifecycle

/// The long-running parts every event-driven service has: a Kafka producer, the outbox relay that
/// feeds it, the consumer that feeds the service's handler, and the checkpointer of its database's
/// write-ahead log.
public struct EventServiceParts: Sendable {
    public let checkpointer: WALCheckpointer
    public let producer: KafkaProducer
    public let relay: OutboxRelay
    public let consumer: EventConsumerService?

    /// Builds the parts for the service `name` (also its consumer group and client id).
    /// Pass `handler: nil` for a service that only produces.
    public init(name: String, common: CommonConfiguration, database: ServiceDatabase, handler: (any EventHandler)?, logger: Logger) throws {
        checkpointer = WALCheckpointer(database: database, logger: logger)
        producer = try KafkaProducer(brokers: common.kafkaBrokers, clientID: name, logger: logger)
        relay = OutboxRelay(service: name, database: database, producer: producer, logger: logger)
        consumer = try handler.map {
            try EventConsumerService(brokers: common.kafkaBrokers, groupID: name, database: database, handler: $0, logger: logger, consumers: common.consumers)
        }
    }

    /// In `ServiceGroup` order: a group shuts down in reverse, so the consumer stops first, the
    /// producer flushes after the relay, and the log's last checkpoint comes after every write.
    public var services: [any Service] {
        services(around: [])
    }

    /// The parts with the service's own long-running pieces between the relay and the consumer: the
    /// consumer stops first, then `middle` (in reverse), then the relay, producer and checkpointer.
    public func services(around middle: [any Service]) -> [any Service] {
        [checkpointer, producer, relay] + middle + (consumer.map { [$0] } ?? [])
    }
}
