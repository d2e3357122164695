import EventContracts
@testable import EventRuntime
import Foundation
import GRDB
import ServiceLifecycle
import Synchronization
import Testing
import TestSupport

/// Shards: a workspace's shard is the partition Kafka puts its key in, and only the replica that
/// took a shard last can write into its file.
@Suite("Shards", .timeLimit(.minutes(2)))
struct ShardTests {
    static func insertOutboxRow(_ id: String, in database: ServiceDatabase) throws {
        try database.pool.write { db in
            try db.execute(sql: "INSERT INTO outbox (event_id, topic, key, payload, created_at) VALUES (?, 't', 'ws', x'00', '2026-01-01 00:00:00')",
                           arguments: [id])
        }
    }

    @Test("a key's shard is the partition librdkafka's producer put it in, for 200 workspace ids on 6 partitions")
    func shardIsThePartition() async throws {
        let cluster = try KafkaMockCluster(brokers: 1, topics: ["shard-map"], partitions: 6)
        let producer = try KafkaProducer(brokers: cluster.bootstrapServers, clientID: "shard-map", logger: testLogger)
        let keys = (0..<200).map { "ws-\($0)-\(UUID().uuidString.prefix(8))" }
        try await withRunningServices([producer]) {
            try await producer.send(keys.map { OutgoingKafkaMessage(topic: "shard-map", key: $0, value: Array($0.utf8)) })
        }
        let consumer = try KafkaConsumer(brokers: cluster.bootstrapServers, groupID: "shard-map", clientID: "shard-map", topics: ["shard-map"])
        var placed: [String: Int32] = [:]
        _ = try await eventually("all 200 messages back") { () -> Bool? in
            for message in await consumer.poll(maximum: 500, timeoutMilliseconds: 100).messages {
                placed[message.key ?? ""] = message.partition
            }
            return placed.count == keys.count ? true : nil
        }
        await consumer.close()
        let map = ShardMap(count: 6)
        let mismatches = keys.filter { Int(placed[$0]!) != map.shard(of: $0) }
        #expect(mismatches.isEmpty)
        // The keys spread over every partition, so the comparison covered them all.
        #expect(Set(placed.values).count == 6)
    }

    @Test("nothing is written before a shard is taken; taking it fences the previous owner inside its own write; releasing fences this one")
    func epochFencesTheOldOwner() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.url.appendingPathComponent("shard-0-of-1.sqlite").path
        // Two replicas' handles on one shard file, as two processes would have.
        let a = try ServiceDatabase(path: path, ownership: ShardOwnership()) { _ in }
        let b = try ServiceDatabase(path: path, ownership: ShardOwnership()) { _ in }

        let untaken = #expect(throws: DatabaseError.self) { try Self.insertOutboxRow("before", in: a) }
        #expect(untaken.map(ShardOwnership.isFenced) == true)

        let first = try a.ownership!.take(owner: "a", in: a.pool)
        try Self.insertOutboxRow("a-1", in: a)

        // b takes the shard while a still believes it owns it (a paused replica, a zombie).
        let second = try b.ownership!.take(owner: "b", in: b.pool)
        #expect(second == first + 1)
        let zombie = #expect(throws: DatabaseError.self) { try Self.insertOutboxRow("a-2", in: a) }
        #expect(zombie.map(ShardOwnership.isFenced) == true)
        // Every kind of write is fenced, whatever the table: updates and deletes too.
        #expect(throws: DatabaseError.self) { try a.pool.write { db in try db.execute(sql: "DELETE FROM outbox") } }
        #expect(throws: DatabaseError.self) { try a.pool.write { db in try db.execute(sql: "UPDATE outbox SET topic = 'x'") } }
        #expect(throws: DatabaseError.self) { try a.pool.write { db in try db.execute(sql: "INSERT INTO inbox (event_id, event_type, processed_at) VALUES ('e', 't', '2026-01-01')") } }

        // The new owner finds what the old one committed, and writes.
        try Self.insertOutboxRow("b-1", in: b)
        b.ownership!.release()
        #expect(throws: DatabaseError.self) { try Self.insertOutboxRow("b-2", in: b) }

        let rows = try b.pool.read { db in try String.fetchAll(db, sql: "SELECT event_id FROM outbox ORDER BY sequence") }
        #expect(rows == ["a-1", "b-1"])
        let owner = try b.pool.read { db in try Row.fetchOne(db, sql: "SELECT epoch, owner FROM shard_owner") }
        #expect(owner?["epoch"] == second && owner?["owner"] == "b")
    }

    @Test("a folder holding shards of another count is refused, naming KAFKA_PARTITIONS")
    func otherCountRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let folder = directory.url.appendingPathComponent("svc")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        _ = try ServiceDatabase(path: ShardSet.path(in: folder, shard: 0, of: 3).path, ownership: ShardOwnership()) { _ in }
        #expect(throws: Never.self) {
            try ShardSet(service: "svc", dataDirectory: directory.url, map: ShardMap(count: 3), replica: "r", logger: testLogger, migrations: { _ in })
        }
        let error = #expect(throws: (any Error).self) {
            try ShardSet(service: "svc", dataDirectory: directory.url, map: ShardMap(count: 6), replica: "r", logger: testLogger, migrations: { _ in })
        }
        #expect("\(error.map { "\($0)" } ?? "")".contains("KAFKA_PARTITIONS"))
    }

    @Test("shard workers run while the shard is owned, stop when it is revoked and start again when it comes back")
    func workersFollowOwnership() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let shards = try ShardSet(service: "svc", dataDirectory: directory.url, map: ShardMap(count: 2), replica: "r", logger: testLogger,
                                  migrations: { _ in })
        let runs = Mutex<[String]>([])
        let workers = ShardWorkers("test", shards: shards, logger: testLogger) { shard, _ in
            runs.withLock { $0.append("start \(shard)") }
            // Runs until cancelled (the shard released) or shut down.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(3600)) }
            runs.withLock { $0.append("stop \(shard)") }
        }
        try await withRunningServices([workers]) {
            shards.assign([1])
            _ = try await eventually("shard 1's worker to start") { runs.withLock { $0 } == ["start 1"] ? true : nil }
            shards.revoke([1])
            _ = try await eventually("shard 1's worker to stop") { runs.withLock { $0 } == ["start 1", "stop 1"] ? true : nil }
            shards.assign([0, 1])
            _ = try await eventually("both workers to start") { runs.withLock { $0.filter { $0.hasPrefix("start") }.count } == 3 ? true : nil }
            #expect(shards.owned == [0, 1])
        }
    }
}
