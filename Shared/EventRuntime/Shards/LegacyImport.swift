import Foundation
import GRDB

/// Brings a service's state from its single file (`<data>/<service>.sqlite`, the layout before
/// shards) into each shard once, when the shard is first taken: a row whose `workspace_id` (or, in
/// the outbox, whose key) falls in the shard is copied, and the inbox goes to every shard (a
/// redelivered event is then dropped wherever it lands). The single file is only read, and kept.
enum LegacyImport {
    static let table = "shard_imports"
    static let shardFunction = "roomreel_shard_of"

    /// Copies `legacy`'s rows of `shard` into `database`, unless that was done before or there is no
    /// such file. Runs as the shard's owner (its writes pass the fence). Returns the rows copied.
    @discardableResult
    static func run(from legacy: URL, shard: Int, map: ShardMap, into database: ServiceDatabase) throws -> Int {
        guard FileManager.default.fileExists(atPath: legacy.path) else { return 0 }
        return try database.pool.writeWithoutTransaction { db in
            let done = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table) WHERE source = ?", arguments: [legacy.path]) ?? 0
            guard done == 0 else { return 0 }
            db.add(function: DatabaseFunction(shardFunction, argumentCount: 1, pure: true) { values in
                String.fromDatabaseValue(values[0]).map { map.shard(of: $0) }
            })
            try db.execute(sql: "ATTACH DATABASE ? AS legacy", arguments: [legacy.path])
            defer { try? db.execute(sql: "DETACH DATABASE legacy") }
            var copied = 0
            try db.inTransaction(.immediate) {
                let tables = try String.fetchAll(db, sql: """
                    SELECT name FROM legacy.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'grdb_migrations'
                    AND name IN (SELECT name FROM main.sqlite_master WHERE type = 'table')
                    """)
                for name in tables {
                    let columns = try Set(Row.fetchAll(db, sql: "PRAGMA legacy.table_info(\"\(name)\")").map { $0["name"] as String })
                    let filter = if columns.contains("workspace_id") {
                        "WHERE \(shardFunction)(workspace_id) = \(shard)"
                    } else if name == OutboxRecord.databaseTableName {
                        "WHERE \(shardFunction)(key) = \(shard)"
                    } else {
                        ""
                    }
                    try db.execute(sql: "INSERT OR IGNORE INTO main.\"\(name)\" SELECT * FROM legacy.\"\(name)\" \(filter)")
                    copied += db.changesCount
                }
                try db.execute(sql: "INSERT INTO \(table) (source, imported_at) VALUES (?, ?)", arguments: [legacy.path, DatabaseTime.value(Date())])
                return .commit
            }
            return copied
        }
    }
}
