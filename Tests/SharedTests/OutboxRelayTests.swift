import Foundation
import GRDB
import Shared
import TestSupport
import Testing

@Suite("Outbox relay")
struct OutboxRelayTests {
    @Test("publishes committed outbox events to Kafka in order, empties the outbox, and never publishes a rolled-back one")
    func relaysInOrder() async throws {
        let fixture = try RelayFixture()
        defer { fixture.directory.remove() }
        let (cluster, database) = (fixture.cluster, fixture.database)

        // A transaction that fails after enqueueing must leave nothing to publish.
        let rolledBack = EventEnvelope(source: "test", subject: "job-x", workspaceID: "ws-test",
                                       data: VideoSubmitted(provider: "local", predictionID: "rolled-back"))
        struct Abort: Error {}
        await #expect(throws: Abort.self) {
            try await database.pool.write { db in
                try Outbox.enqueue(rolledBack, in: db)
                throw Abort()
            }
        }
        let events = (1...3).map { index in
            EventEnvelope(source: "test", subject: "job-\(index)", workspaceID: "ws-test",
                          data: VideoSubmitted(provider: "local", predictionID: "prediction-\(index)"))
        }
        try await database.pool.write { db in
            for event in events { try Outbox.enqueue(event, in: db) }
        }

        try await fixture.running {
            let messages = try await readMessages(brokers: cluster.bootstrapServers, topics: [EventType.videoSubmitted.topic], count: 3)
            let received = try messages.map { try EventEnvelope<VideoSubmitted>.decode($0.value) }
            #expect(received == events)
            #expect(messages.allSatisfy { $0.key == "ws-test" })
            _ = try await eventually("the outbox to empty") {
                try await database.pool.read { db in try OutboxRecord.fetchCount(db) } == 0 ? true : nil
            }
        }
    }

    @Test("publishes events enqueued while it is already running")
    func relaysLaterEvents() async throws {
        let fixture = try RelayFixture()
        defer { fixture.directory.remove() }
        let (cluster, database) = (fixture.cluster, fixture.database)
        try await fixture.running {
            let event = EventEnvelope(source: "test", subject: "job-late", workspaceID: "ws-late",
                                      data: CreditsRejected(required: 10, balance: 3))
            try await database.pool.write { db in try Outbox.enqueue(event, in: db) }
            let messages = try await readMessages(brokers: cluster.bootstrapServers, topics: [EventType.creditsRejected.topic], count: 1)
            #expect(try EventEnvelope<CreditsRejected>.decode(messages[0].value) == event)
        }
    }

    @Test("deletes what the cluster acknowledged in one write per prune interval, not one per batch sent, and the rest at shutdown")
    func prunesOnItsInterval() async throws {
        let fixture = try RelayFixture()
        defer { fixture.directory.remove() }
        let (cluster, database) = (fixture.cluster, fixture.database)
        try await fixture.running(pruneInterval: .seconds(3600)) {
            // Three commits, each read back before the next, so each goes out in a batch of its own.
            for index in 1...3 {
                let event = EventEnvelope(source: "test", subject: "job-\(index)", workspaceID: "ws-prune",
                                          data: VideoSubmitted(provider: "local", predictionID: "prediction-\(index)"))
                try await database.pool.write { db in try Outbox.enqueue(event, in: db) }
                _ = try await readMessages(brokers: cluster.bootstrapServers, topics: [EventType.videoSubmitted.topic], count: index)
            }
            // Published and acknowledged, but the hour has not passed: still there.
            #expect(try await database.pool.read { db in try OutboxRecord.fetchCount(db) } == 3)
        }
        #expect(try await database.pool.read { db in try OutboxRecord.fetchCount(db) } == 0)
    }
}

/// A fresh service database and mock cluster, and the relay between them.
private struct RelayFixture {
    let directory: TemporaryDirectory
    let cluster: KafkaMockCluster
    let database: ServiceDatabase

    init() throws {
        directory = try TemporaryDirectory()
        cluster = try KafkaMockCluster(brokers: 1, topics: EventType.allTopics, partitions: 3)
        database = try ServiceDatabase(path: directory.url.appendingPathComponent("relay.sqlite").path) { _ in }
    }

    /// Runs `body` while a producer and relay run (the relay's own prune interval unless given).
    func running(pruneInterval: Duration? = nil, _ body: () async throws -> Void) async throws {
        let producer = try KafkaProducer(brokers: cluster.bootstrapServers, clientID: "relay-test", logger: testLogger)
        let relay = if let pruneInterval {
            OutboxRelay(database: database, producer: producer, logger: testLogger, pruneInterval: pruneInterval)
        } else {
            OutboxRelay(database: database, producer: producer, logger: testLogger)
        }
        try await withRunningServices([producer, relay], body)
    }
}
