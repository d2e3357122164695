import EventContracts
import EventRuntime
import Foundation
import GRDB
import Testing
import TestSupport

/// Records one row per handled `video.submitted` event, deliberately without any uniqueness of its
/// own: only the inbox stands between a redelivery and a second row.
private struct RecordingHandler: EventHandler {
    let eventTypes: [EventType] = [.videoSubmitted]

    func handle(_ event: IncomingEvent) async throws {
        let envelope = try event.decode(VideoSubmitted.self)
        try await event.inbox.commit { db in
            try db.execute(sql: "INSERT INTO effects (prediction_id) VALUES (?)", arguments: [envelope.data.predictionID])
        }
    }
}

private func openDatabase(in directory: TemporaryDirectory) throws -> ServiceDatabase {
    try ServiceDatabase(path: directory.url.appendingPathComponent("inbox.sqlite").path) { migrator in
        migrator.registerMigration("test-v1-effects") { db in
            try db.create(table: "effects") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("prediction_id", .text).notNull()
            }
        }
    }
}

private func effects(_ database: ServiceDatabase) async throws -> [String] {
    try await database.pool.read { db in try String.fetchAll(db, sql: "SELECT prediction_id FROM effects ORDER BY id") }
}

@Suite("Inbox")
struct InboxTests {
    @Test("commits an event's effect once; a second commit of the same event id does nothing")
    func commitOnce() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = try openDatabase(in: directory)
        let envelope = EventEnvelope(source: "test", subject: "job-1", workspaceID: "ws-test",
                                     data: VideoSubmitted(provider: "local", predictionID: "p-1"))
        let inbox = InboxTransaction(database: database, header: try EventHeader.decode(envelope.encoded()))

        #expect(try await inbox.isProcessed() == false)
        let first = try await inbox.commit { db in try db.execute(sql: "INSERT INTO effects (prediction_id) VALUES ('p-1')"); return "ran" }
        let second = try await inbox.commit { db in try db.execute(sql: "INSERT INTO effects (prediction_id) VALUES ('p-1')"); return "ran" }
        #expect(first == "ran")
        #expect(second == nil)
        #expect(try await inbox.isProcessed())
        #expect(try await effects(database) == ["p-1"])
    }

    @Test("a failed effect leaves the event unprocessed, so its retry applies it")
    func failedEffectIsRetried() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = try openDatabase(in: directory)
        let envelope = EventEnvelope(source: "test", subject: "job-2", workspaceID: "ws-test",
                                     data: VideoSubmitted(provider: "local", predictionID: "p-2"))
        let inbox = InboxTransaction(database: database, header: try EventHeader.decode(envelope.encoded()))
        struct Transient: Error {}
        await #expect(throws: Transient.self) {
            try await inbox.commit { db in
                try db.execute(sql: "INSERT INTO effects (prediction_id) VALUES ('p-2')")
                throw Transient()
            }
        }
        #expect(try await inbox.isProcessed() == false)
        #expect(try await effects(database).isEmpty)
        try await inbox.commit { db in try db.execute(sql: "INSERT INTO effects (prediction_id) VALUES ('p-2')") }
        #expect(try await effects(database) == ["p-2"])
    }

    @Test("a redelivered event consumed from Kafka has no second effect")
    func redeliveryThroughKafka() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let cluster = try KafkaMockCluster(brokers: 1, topics: EventType.allTopics, partitions: 3)
        let database = try openDatabase(in: directory)
        let producer = try KafkaProducer(brokers: cluster.bootstrapServers, clientID: "inbox-test", logger: testLogger)
        let consumer = try EventConsumerService(brokers: cluster.bootstrapServers, groupID: "inbox-test", database: database,
                                                handler: RecordingHandler(), logger: testLogger)

        let first = EventEnvelope(source: "test", subject: "job-1", workspaceID: "ws-test",
                                  data: VideoSubmitted(provider: "local", predictionID: "p-1"))
        let last = EventEnvelope(source: "test", subject: "job-2", workspaceID: "ws-test",
                                 data: VideoSubmitted(provider: "local", predictionID: "p-2"))
        // The same key puts all three on one partition, so `last` is consumed after the duplicate.
        let wire = try [first, first, last].map {
            OutgoingKafkaMessage(topic: EventType.videoSubmitted.topic, key: "ws-test", value: try $0.encoded())
        }
        try await withRunningServices([producer, consumer]) {
            try await producer.send(wire)
            _ = try await eventually("the last event to be handled") {
                try await effects(database).contains("p-2") ? true : nil
            }
        }
        #expect(try await effects(database) == ["p-1", "p-2"])
        let inboxCount = try await database.pool.read { db in try InboxRecord.fetchCount(db) }
        #expect(inboxCount == 2)
    }
}
