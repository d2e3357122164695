import Logging
import ServiceLifecycle

/// The long-running parts every event-driven service has: a Kafka producer, the outbox relay that
/// feeds it, the consumer that feeds the service's handler, and the checkpointer of its database's
/// write-ahead log. A sharded service has a relay and a checkpointer per shard it owns.
public struct EventServiceParts: Sendable {
    public let producer: KafkaProducer
    /// The checkpointer and the relay: of the one database, or of each owned shard.
    let writers: [any Service]
    public let consumer: EventConsumerService?

    /// Builds the parts for the service `name` (also its consumer group and client id).
    /// Pass `handler: nil` for a service that only produces.
    public init(name: String, common: CommonConfiguration, database: ServiceDatabase, handler: (any EventHandler)?, logger: Logger) throws {
        producer = try KafkaProducer(brokers: common.kafkaBrokers, clientID: name, logger: logger)
        writers = [WALCheckpointer(database: database, logger: logger),
                   OutboxRelay(service: name, database: database, producer: producer, logger: logger)]
        consumer = try handler.map {
            try EventConsumerService(brokers: common.kafkaBrokers, groupID: name, database: database, handler: $0, logger: logger, consumers: common.consumers)
        }
    }

    /// Builds the parts for the sharded service `name`: its replicas form one consumer group, and
    /// each shard's relay and checkpointer run while this replica owns the shard. `outboxLookEvery`
    /// is for a service whose edges write outbox rows into shards other replicas own.
    public init(name: String, common: CommonConfiguration, shards: ShardSet, handler: any EventHandler, logger: Logger,
                outboxLookEvery: Duration? = nil) throws {
        let producer = try KafkaProducer(brokers: common.kafkaBrokers, clientID: "\(name).\(common.replicaID)", logger: logger)
        self.producer = producer
        writers = [ShardWorkers("outbox relay", shards: shards, logger: logger) { _, database in
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask { try await WALCheckpointer(database: database, logger: logger).run() }
                group.addTask { try await OutboxRelay(service: name, database: database, producer: producer, logger: logger,
                                                      lookEvery: outboxLookEvery).run() }
            }
        }]
        consumer = try EventConsumerService(brokers: common.kafkaBrokers, groupID: name, databases: .shards(shards), handler: handler,
                                            logger: logger, consumers: common.consumers)
    }

    /// In `ServiceGroup` order: a group shuts down in reverse, so the consumer stops first, the
    /// producer flushes after the relay, and the log's last checkpoint comes after every write.
    public var services: [any Service] {
        services(around: [])
    }

    /// The parts with the service's own long-running pieces between the relay and the consumer: the
    /// consumer stops first, then `middle` (in reverse), then the relay, producer and checkpointer.
    public func services(around middle: [any Service]) -> [any Service] {
        [producer] + writers + middle + (consumer.map { [$0] } ?? [])
    }
}
