import EventRuntime
import Foundation
import GRDB
import Testing
import TestSupport

@Suite("Group commit")
struct GroupCommitTests {
    struct Refused: Error {}

    /// Queues one write per name before the committer runs, so that they share one batch; the
    /// write for `failing` throws after inserting its row.
    static func commitTogether(_ names: [String], failing: String?, in database: ServiceDatabase) async throws -> [String: Bool] {
        let commits = GroupCommit<String>(database: database)
        return try await withThrowingTaskGroup(of: (String, Bool).self) { group in
            for name in names {
                group.addTask {
                    do {
                        _ = try await commits.write { db in
                            try db.execute(sql: "INSERT INTO notes (name) VALUES (?)", arguments: [name])
                            if name == failing { throw Refused() }
                            return name
                        }
                        return (name, true)
                    } catch is Refused {
                        return (name, false)
                    }
                }
            }
            try await eventually("every write to be queued") { commits.queuedWrites == names.count ? true : nil }
            return try await withRunningServices([commits]) {
                var outcomes: [String: Bool] = [:]
                for try await (name, committed) in group { outcomes[name] = committed }
                return outcomes
            }
        }
    }

    static func notesDatabase(in directory: TemporaryDirectory) throws -> ServiceDatabase {
        try ServiceDatabase(path: directory.url.appendingPathComponent("notes.sqlite").path) { migrator in
            migrator.registerMigration("notes") { db in try db.create(table: "notes") { $0.column("name", .text).notNull() } }
        }
    }

    @Test("writes queued together commit together; one that throws is rolled back alone, its caller gets the error, and the rest commit")
    func failingWriteAlone() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = try Self.notesDatabase(in: directory)

        let names = (0..<6).map { "note-\($0)" }
        let outcomes = try await Self.commitTogether(names, failing: "note-3", in: database)
        #expect(outcomes == Dictionary(uniqueKeysWithValues: names.map { ($0, $0 != "note-3") }))
        let stored = try await database.pool.read { db in try String.fetchAll(db, sql: "SELECT name FROM notes ORDER BY name") }
        #expect(stored == names.filter { $0 != "note-3" })

        let more = (6..<10).map { "note-\($0)" }
        #expect(try await Self.commitTogether(more, failing: nil, in: database).values.allSatisfy { $0 })
        #expect(try await database.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM notes") } == 9)
    }
}
