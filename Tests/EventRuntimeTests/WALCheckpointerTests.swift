import EventRuntime
import Foundation
import GRDB
import Testing
import TestSupport

@Suite("Write-ahead log checkpoints")
struct WALCheckpointerTests {
    static func fileSize(_ path: String) -> Int64 {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value ?? 0
    }

    @Test("commits leave their pages in the log (SQLite's own checkpoint waits for 64 MiB); the checkpointer copies them into the database file in the background")
    func backgroundCheckpoint() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.url.appendingPathComponent("log.sqlite").path
        let database = try ServiceDatabase(path: path) { migrator in
            migrator.registerMigration("blobs") { db in try db.create(table: "blobs") { $0.column("bytes", .blob).notNull() } }
        }
        let sizeAfterMigrations = Self.fileSize(path)
        try await database.pool.write { db in
            for _ in 0..<64 { try db.execute(sql: "INSERT INTO blobs (bytes) VALUES (?)", arguments: [Data(repeating: 7, count: 32 << 10)]) }
        }
        // Two MiB committed, all of it still in the log.
        #expect(Self.fileSize(path + "-wal") >= 2 << 20)
        #expect(Self.fileSize(path) < sizeAfterMigrations + (1 << 20))

        let checkpointer = WALCheckpointer(database: database, interval: .milliseconds(20), thresholdBytes: 256 << 10, logger: testLogger)
        try await withRunningServices([checkpointer]) {
            try await eventually("the pages to reach the database file") { Self.fileSize(path) >= 2 << 20 ? true : nil }
        }
        #expect(try await database.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM blobs") } == 64)
    }
}
