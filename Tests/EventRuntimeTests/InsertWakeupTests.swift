@testable import EventRuntime
import Foundation
import GRDB
import Synchronization
import Testing
import TestSupport

/// The outbox relay and the local render worker wake on commits that inserted into their table, and
/// on nothing else: not an update or a delete of it, not another table's insert, not a rollback.
@Suite("Insert wake-ups")
struct InsertWakeupTests {
    @Test("a committed insert into the table wakes; updates, deletes, other tables and rollbacks do not")
    func wakesOnCommittedInsertsOnly() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = try ServiceDatabase(path: directory.url.appendingPathComponent("wakeups.sqlite").path) { migrator in
            migrator.registerMigration("tables") { db in
                try db.execute(sql: "CREATE TABLE work (id INTEGER PRIMARY KEY, note TEXT); CREATE TABLE other (id INTEGER PRIMARY KEY)")
            }
        }
        let wakes = Mutex(0)
        let observer = CommitWakeupObserver(trigger: .insertsInto("work")) { wakes.withLock { $0 += 1 } }
        try await database.pool.writeWithoutTransaction { db in db.add(transactionObserver: observer) }
        // GRDB calls the observer inside each write, so the count is settled when the write returns.
        func count(after write: @escaping @Sendable (Database) throws -> Void) async throws -> Int {
            try await database.pool.write(write)
            return wakes.withLock { $0 }
        }

        #expect(try await count { db in try db.execute(sql: "INSERT INTO work (note) VALUES ('a'), ('b')") } == 1, "one wake per commit")
        #expect(try await count { db in try db.execute(sql: "UPDATE work SET note = 'c'") } == 1)
        #expect(try await count { db in try db.execute(sql: "DELETE FROM work WHERE note = 'c' AND id = 1") } == 1)
        #expect(try await count { db in try db.execute(sql: "INSERT INTO other DEFAULT VALUES") } == 1)
        await #expect(throws: DatabaseError.self) {
            try await database.pool.write { db in
                try db.execute(sql: "INSERT INTO work (note) VALUES ('rolled back')")
                try db.execute(sql: "INSERT INTO missing DEFAULT VALUES")
            }
        }
        #expect(wakes.withLock { $0 } == 1, "a rolled-back insert wakes nobody")
        #expect(try await count { db in try db.execute(sql: "INSERT INTO Work (note) VALUES ('d')") } == 2, "table names are case-insensitive")
    }

    @Test("an any-change trigger wakes on inserts, updates and deletes of every table, once per commit, and not on a rollback")
    func anyChangeWakes() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = try ServiceDatabase(path: directory.url.appendingPathComponent("changes.sqlite").path) { migrator in
            migrator.registerMigration("tables") { db in try db.execute(sql: "CREATE TABLE work (id INTEGER PRIMARY KEY, note TEXT)") }
        }
        let wakes = Mutex(0)
        let observer = CommitWakeupObserver(trigger: .anyChange) { wakes.withLock { $0 += 1 } }
        try await database.pool.writeWithoutTransaction { db in db.add(transactionObserver: observer) }
        for (sql, expected) in [("INSERT INTO work (note) VALUES ('a'), ('b')", 1), ("UPDATE work SET note = 'c'", 2), ("DELETE FROM work", 3)] {
            try await database.pool.write { db in try db.execute(sql: sql) }
            #expect(wakes.withLock { $0 } == expected, "\(sql)")
        }
        try await database.pool.write { db in _ = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM work") }
        #expect(wakes.withLock { $0 } == 3, "a transaction that changed nothing wakes nobody")
        await #expect(throws: DatabaseError.self) {
            try await database.pool.write { db in
                try db.execute(sql: "INSERT INTO work (note) VALUES ('rolled back')")
                try db.execute(sql: "INSERT INTO missing DEFAULT VALUES")
            }
        }
        #expect(wakes.withLock { $0 } == 3)
    }

    @Test("a waiting loop wakes at its deadline, on another task's wake and on a committed insert, and not before")
    func wakeupsWithDeadlines() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = try ServiceDatabase(path: directory.url.appendingPathComponent("deadlines.sqlite").path) { migrator in
            migrator.registerMigration("tables") { db in try db.execute(sql: "CREATE TABLE work (id INTEGER PRIMARY KEY)") }
        }
        try await database.withWakeups(on: .insertsInto("work")) { wakeups in
            await wakeups.next(orAt: nil)  // the first wake-up, for what was there before

            let deadline = ContinuousClock.now + .milliseconds(200)
            await wakeups.next(orAt: deadline)
            #expect(ContinuousClock.now >= deadline, "nothing else woke it")

            let wake = wakeups.wake
            let started = ContinuousClock.now
            async let woken: Void = wake()
            await wakeups.next(orAt: started + .seconds(60))
            await woken
            #expect(ContinuousClock.now - started < .seconds(30), "woken by hand, not by the deadline")

            let insertedAt = ContinuousClock.now
            try await database.pool.write { db in try db.execute(sql: "INSERT INTO work DEFAULT VALUES") }
            await wakeups.next(orAt: insertedAt + .seconds(60))
            #expect(ContinuousClock.now - insertedAt < .seconds(30), "woken by the insert")
        }
    }
}
