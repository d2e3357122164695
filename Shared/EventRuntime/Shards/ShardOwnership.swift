import Foundation
import GRDB
import Synchronization

/// This process's claim on one shard file: the ownership epoch it took, checked by triggers inside
/// every write transaction on the file, so that a replica that lost the shard cannot change it.
///
/// The file keeps one `shard_owner` row. Taking the shard increments its epoch in a transaction of
/// its own and remembers the new value; every table of the file has triggers that abort an insert,
/// update or delete unless the writer's remembered epoch (the SQL function `roomreel_shard_epoch()`,
/// registered on the process's connections) equals the row's. Whoever took the shard last is the
/// only one that can write; releasing forgets the epoch, so even this process's own late writes
/// (a relay's prune, a scheduler's update) abort from then on.
public final class ShardOwnership: Sendable {
    /// The message of the trigger's abort, by which `isFenced` knows the error.
    static let fencedMessage = "roomreel: shard fenced"
    static let functionName = "roomreel_shard_epoch"
    static let table = "shard_owner"

    private let held = Mutex<Int64?>(nil)

    public init() {}

    /// The epoch this process holds, nil when it does not own the shard.
    public var epoch: Int64? { held.withLock { $0 } }

    /// Whether `error` is a write refused because this process no longer owns the shard.
    public static func isFenced(_ error: any Error) -> Bool {
        (error as? DatabaseError)?.message?.contains(fencedMessage) == true
    }

    /// Registers `roomreel_shard_epoch()` on a connection (every connection of the file's pool).
    func register(on db: Database) {
        db.add(function: DatabaseFunction(Self.functionName, argumentCount: 0, pure: false) { [self] _ in
            self.epoch
        })
    }

    /// Creates the ownership row (once per file).
    static func registerMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("shared-v2-shard-owner") { db in
            try db.create(table: table) { table in
                table.primaryKey("id", .integer).check { $0 == 1 }
                table.column("epoch", .integer).notNull()
                table.column("owner", .text).notNull()
                table.column("taken_at", .datetime).notNull()
            }
            try db.execute(sql: "INSERT INTO \(table) (id, epoch, owner, taken_at) VALUES (1, 0, '', ?)", arguments: [DatabaseTime.value(Date())])
            try LegacyImport.createTable(db)
        }
    }

    /// Puts the fence on every table of the file but the ownership row itself, as temporary triggers
    /// of the writer connection `db` (after the migrations, so that every table is there).
    static func installFence(on db: Database) throws {
        let tables = try String.fetchAll(db, sql: """
            SELECT name FROM sqlite_master WHERE type = 'table'
            AND name NOT LIKE 'sqlite_%' AND name NOT IN ('\(table)', '\(LegacyImport.table)', 'grdb_migrations')
            """)
        for name in tables {
            for operation in ["INSERT", "UPDATE", "DELETE"] {
                try db.execute(sql: """
                    CREATE TEMP TRIGGER IF NOT EXISTS "fence_\(name)_\(operation.lowercased())" BEFORE \(operation) ON main."\(name)"
                    WHEN \(functionName)() IS NOT (SELECT epoch FROM main.\(table) WHERE id = 1)
                    BEGIN SELECT RAISE(ABORT, '\(fencedMessage)'); END
                    """)
            }
        }
    }

    /// Takes the shard for `owner`: increments the file's epoch in one transaction and holds the new
    /// value. From this commit on, a previous owner's writes abort.
    @discardableResult
    func take(owner: String, in pool: DatabasePool) throws -> Int64 {
        let epoch = try pool.write { db -> Int64 in
            try db.execute(sql: "UPDATE \(Self.table) SET epoch = epoch + 1, owner = ?, taken_at = ? WHERE id = 1",
                           arguments: [owner, DatabaseTime.value(Date())])
            return try Int64.fetchOne(db, sql: "SELECT epoch FROM \(Self.table) WHERE id = 1") ?? 0
        }
        held.withLock { $0 = epoch }
        return epoch
    }

    /// Gives the shard up: every later write of this process into the file aborts.
    func release() {
        held.withLock { $0 = nil }
    }
}
