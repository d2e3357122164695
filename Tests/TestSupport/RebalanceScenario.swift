import EventContracts
import EventRuntime
import Foundation
import GRDB
import ServiceLifecycle
import Synchronization
import Testing

/// Two replicas of a sharded service in one consumer group on the mock cluster, one data folder:
/// replica A handles a first wave of events but publishes nothing (it runs its consumer alone, no
/// relay: everything it commits is still in its shards' outboxes when they move); then B, the whole
/// service, joins while a second wave and redeliveries of the first arrive, and A leaves. The
/// outcome is what reached Kafka, for the service's test to judge, with what A had committed.
public struct RebalanceScenario: Sendable {
    public let service: String
    /// The topics whose events are the service's outcomes, one or more per input event.
    public let outputTopics: [String]
    public let migrations: @Sendable (inout DatabaseMigrator) -> Void
    public let onTake: @Sendable (Int, ServiceDatabase) throws -> Void
    public let handler: any EventHandler
    /// The whole service as replica B (made when B joins: a consumer joins its group when made).
    public let replicaB: @Sendable (CommonConfiguration) throws -> [any Service]

    public init(service: String, outputTopics: [String], migrations: @escaping @Sendable (inout DatabaseMigrator) -> Void,
                onTake: @escaping @Sendable (Int, ServiceDatabase) throws -> Void = { _, _ in }, handler: any EventHandler,
                replicaB: @escaping @Sendable (CommonConfiguration) throws -> [any Service]) {
        self.service = service
        self.outputTopics = outputTopics
        self.migrations = migrations
        self.onTake = onTake
        self.handler = handler
        self.replicaB = replicaB
    }

    public struct Outcome: Sendable {
        /// The output events on Kafka, by subject (the job), in the order read.
        public var published: [String: [EventHeader]]
        /// The output events A had committed when its shards moved: event id by subject.
        public var committedByA: [String: String]
        /// The shard databases A took, as A holds them (stale once B has the shard).
        public var takenByA: [Int: ServiceDatabase]

        /// Each subject's outcome on Kafka is one event (a repeat carries its id) of the type
        /// `expected` gives, and the one A committed is the one published: nothing done twice.
        public func expectOneOutcomeEach(_ subjects: [String], expected: (String) -> EventType?,
                                         sourceLocation: SourceLocation = #_sourceLocation) {
            for subject in subjects {
                let events = published[subject] ?? []
                #expect(Set(events.map(\.id)).count == 1, "\(subject): \(events)", sourceLocation: sourceLocation)
                #expect(events.first?.type == expected(subject), "\(subject): \(events)", sourceLocation: sourceLocation)
                if let fromA = committedByA[subject] {
                    #expect(events.first?.id == fromA, "\(subject) was done again", sourceLocation: sourceLocation)
                }
            }
        }
    }

    /// The settings of replica `id`, on `cluster` and `directory` with 3 shards.
    public static func common(_ id: String, cluster: KafkaMockCluster, directory: TemporaryDirectory) -> CommonConfiguration {
        CommonConfiguration(kafkaBrokers: cluster.bootstrapServers, dataDirectory: directory.url,
                            consumers: KafkaConsumerSettings(sessionTimeoutMilliseconds: 3000, fetchWaitMilliseconds: 10),
                            replicaID: id, shards: ShardMap(count: 3))
    }

    /// Runs the scenario: `firstWave` to A alone, then (B joining) the first half of `secondWave`
    /// with the first ten of `firstWave` again, then (A leaving) the rest of both. Returns once each
    /// of the `subjects` has an output on Kafka. `timeout` bounds each wait (a service whose events
    /// each run a tool needs longer on a machine busy with other tests).
    public func run(firstWave: [OutgoingKafkaMessage], secondWave: [OutgoingKafkaMessage], subjects: Set<String>,
                    cluster: KafkaMockCluster, directory: TemporaryDirectory, timeout: Duration = .seconds(120)) async throws -> Outcome {
        let commonA = Self.common("a", cluster: cluster, directory: directory)
        let takenByA = Mutex<[Int: ServiceDatabase]>([:])
        let shardsA = try commonA.shardSet(service: service, logger: testLogger, migrations: migrations) { [onTake] shard, database in
            try onTake(shard, database)
            takenByA.withLock { $0[shard] = database }
        }
        let consumerA = try #require(try EventServiceParts(name: service, common: commonA, shards: shardsA, handler: handler, logger: testLogger).consumer)
        let replicaA = ServiceGroup(configuration: .init(services: [consumerA], logger: testLogger))
        let producer = try KafkaProducer(brokers: cluster.bootstrapServers, clientID: "rebalance-test", logger: testLogger)
        let folder = directory.url.appendingPathComponent(service)
        let half = secondWave.count / 2
        return try await withRunningServices([producer]) {
            try await withThrowingTaskGroup(of: Void.self) { replicas in
                replicas.addTask { try await replicaA.run() }
                try await producer.send(firstWave)
                _ = try await eventually("A to commit the first wave", timeout: timeout) {
                    // A shard file appears before its migrations have run.
                    (try? Self.count("SELECT COUNT(*) FROM inbox", in: folder)) == firstWave.count ? true : nil
                }
                let committedByA = try ShardSet.shardFiles(in: folder).reduce(into: [String: String]()) { outcomes, file in
                    let rows = try DatabaseQueue(path: file.path.path).read { db in
                        try Row.fetchAll(db, sql: "SELECT event_id, payload FROM outbox WHERE topic IN (\(outputTopics.map { "'\($0)'" }.joined(separator: ",")))")
                    }
                    for row in rows {
                        outcomes[try EventHeader.decode(Array(row["payload"] as Data)).subject] = row["event_id"]
                    }
                }

                let replicaB = ServiceGroup(configuration: .init(services: try replicaB(Self.common("b", cluster: cluster, directory: directory)),
                                                                 logger: testLogger))
                replicas.addTask { try await replicaB.run() }
                try await producer.send(Array(firstWave.prefix(10)) + secondWave.prefix(half))
                _ = try await eventually("B to take a shard from A", timeout: timeout) { Self.owners(in: folder).contains("b") ? true : nil }
                await replicaA.triggerGracefulShutdown()
                try await producer.send(Array(secondWave.dropFirst(half)) + firstWave.suffix(10))
                _ = try await eventually("B to own every shard", timeout: timeout) { Self.owners(in: folder) == ["b", "b", "b"] ? true : nil }

                let published = try await Self.published(on: outputTopics, until: subjects, cluster: cluster, timeout: timeout)
                await replicaB.triggerGracefulShutdown()
                try await replicas.waitForAll()
                return Outcome(published: published, committedByA: committedByA, takenByA: takenByA.withLock { $0 })
            }
        }
    }

    /// Sum of a count over every shard file in `folder`.
    public static func count(_ sql: String, in folder: URL) throws -> Int {
        try ShardSet.shardFiles(in: folder).reduce(0) { total, file in
            total + (try DatabaseQueue(path: file.path.path).read { db in try Int.fetchOne(db, sql: sql) ?? 0 })
        }
    }

    /// The owner recorded in each shard file in `folder`, in shard order.
    public static func owners(in folder: URL) -> [String] {
        ShardSet.owners(in: folder).map { $0 ?? "" }
    }

    /// Reads `topics` from the start until every one of `subjects` has an event, then a little more
    /// (a duplicate still on its way is read too before judging).
    static func published(on topics: [String], until subjects: Set<String>, cluster: KafkaMockCluster, timeout: Duration) async throws -> [String: [EventHeader]] {
        let consumer = try KafkaConsumer(brokers: cluster.bootstrapServers, groupID: "rebalance-outcomes", clientID: "rebalance-outcomes", topics: topics)
        var published: [String: [EventHeader]] = [:]
        func read() async throws {
            for message in await consumer.poll(maximum: 500, timeoutMilliseconds: 100).messages {
                let header = try EventHeader.decode(message.value)
                published[header.subject, default: []].append(header)
            }
        }
        _ = try await eventually("an outcome for each of \(subjects.count) jobs", timeout: timeout) { () -> Bool? in
            try await read()
            return subjects.isSubset(of: Set(published.keys)) ? true : nil
        }
        for _ in 0..<5 { try await read() }
        await consumer.close()
        return published
    }
}
