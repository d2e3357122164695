import Foundation
import GRDB

/// Brings a service's state from its single file (`<data>/<service>.sqlite`, the layout before
/// shards) into each shard once, when the shard is first taken: a row whose `workspace_id` (or, in
/// the outbox, whose key) falls in the shard is copied, and the inbox goes to every shard (a
/// redelivered event is then dropped wherever it lands). The single file is only read, and kept.
public enum LegacyImport {
    static let table = "shard_imports"
    static let shardFunction = "roomreel_shard_of"

    /// Copies `legacy`'s rows of `shard` into `database`, unless that was done before or there is no
    /// such file. Runs as the shard's owner (its writes pass the fence). Returns the rows copied.
    @discardableResult
    static func run(from legacy: URL, shard: Int, map: ShardMap, into database: ServiceDatabase) throws -> Int {
        try copy(from: legacy, into: database, tables: nil, map: map) { name, columns in
            if columns.contains("workspace_id") {
                "WHERE \(shardFunction)(workspace_id) = \(shard)"
            } else if name == OutboxRecord.databaseTableName {
                "WHERE \(shardFunction)(key) = \(shard)"
            } else {
                ""
            }
        }
    }

    /// Copies the named tables of `legacy` whole into `database`, a file every replica of the service
    /// shares (not a shard), once. Its migrations must have made the imports table (`createTable`).
    @discardableResult
    public static func runWhole(from legacy: URL, tables: Set<String>, into database: ServiceDatabase) throws -> Int {
        try copy(from: legacy, into: database, tables: tables, map: nil) { _, _ in "" }
    }

    /// The table recording which single file was imported (a shard file has it already).
    public static func createTable(_ db: Database) throws {
        try db.create(table: table, ifNotExists: true) { table in
            table.primaryKey("source", .text)
            table.column("imported_at", .datetime).notNull()
        }
    }

    private static func copy(from legacy: URL, into database: ServiceDatabase, tables only: Set<String>?, map: ShardMap?,
                             filter: (String, Set<String>) -> String) throws -> Int {
        guard FileManager.default.fileExists(atPath: legacy.path) else { return 0 }
        return try database.pool.writeWithoutTransaction { db in
            let done = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table) WHERE source = ?", arguments: [legacy.path]) ?? 0
            guard done == 0 else { return 0 }
            if let map {
                db.add(function: DatabaseFunction(shardFunction, argumentCount: 1, pure: true) { values in
                    String.fromDatabaseValue(values[0]).map { map.shard(of: $0) }
                })
            }
            try db.execute(sql: "ATTACH DATABASE ? AS legacy", arguments: [legacy.path])
            defer { try? db.execute(sql: "DETACH DATABASE legacy") }
            var copied = 0
            try db.inTransaction(.immediate) {
                // Checked again under the write lock: another replica may have imported meanwhile.
                guard try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table) WHERE source = ?", arguments: [legacy.path]) == 0 else {
                    return .rollback
                }
                let tables = try String.fetchAll(db, sql: """
                    SELECT name FROM legacy.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'grdb_migrations'
                    AND name IN (SELECT name FROM main.sqlite_master WHERE type = 'table')
                    """).filter { only?.contains($0) ?? true }
                for name in tables {
                    let columns = try Set(Row.fetchAll(db, sql: "PRAGMA legacy.table_info(\"\(name)\")").map { $0["name"] as String })
                    try db.execute(sql: "INSERT OR IGNORE INTO main.\"\(name)\" SELECT * FROM legacy.\"\(name)\" \(filter(name, columns))")
                    copied += db.changesCount
                }
                try db.execute(sql: "INSERT INTO \(table) (source, imported_at) VALUES (?, ?)", arguments: [legacy.path, DatabaseTime.value(Date())])
                return .commit
            }
            return copied
        }
    }
}
