import EventRuntime
import Foundation
import GRDB
import Testing
import TestSupport

@Suite("Service databases")
struct ServiceDatabaseTests {
    @Test("the writer commits with synchronous=FULL in WAL mode (GRDB's pool sets NORMAL when it turns WAL on; FULL must win)")
    func writerIsDurable() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = try ServiceDatabase(path: directory.url.appendingPathComponent("durable.sqlite").path) { _ in }
        let settings = try await database.pool.writeWithoutTransaction { db in
            (journal: try String.fetchOne(db, sql: "PRAGMA journal_mode"),
             synchronous: try Int.fetchOne(db, sql: "PRAGMA synchronous"),
             autoCheckpoint: try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint"))
        }
        #expect(settings.journal == "wal")
        #expect(settings.synchronous == 2, "2 is FULL; 1 (NORMAL) lets a power cut lose the last commits")
        #expect(settings.autoCheckpoint == ServiceDatabase.fallbackCheckpointPages)
    }
}
