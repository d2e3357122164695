import Foundation
import GRDB

/// One service's SQLite file (WAL mode), migrated at open: the shared outbox and inbox tables first,
/// then the service's own migrations. Migration names are never edited once shipped.
public final class ServiceDatabase: Sendable {
    /// The connection pool: one writer, concurrent readers.
    public let pool: DatabasePool
    /// Where the file lives.
    public let path: String
    /// Pages in the write-ahead log past which a commit checkpoints it itself (32 MiB of 4 KiB pages):
    /// four times what `WALCheckpointer` lets it reach.
    public static let fallbackCheckpointPages = 8_192

    /// The shard's ownership when this file is one shard of a service (`ShardSet`), nil for a file
    /// the process owns alone.
    public let ownership: ShardOwnership?

    /// Opens (creating if needed) the database at `path` and applies every pending migration. With
    /// `ownership`, the file is a shard: it gets the ownership row, and every write to it is fenced by
    /// the epoch `ownership` holds (nothing can be written before the shard is taken). With `fenced`
    /// false the connection writes whoever owns the shard: an edge's writes of new facts
    /// (`ShardSet.edge`).
    public init(path: String, ownership: ShardOwnership? = nil, fenced: Bool = true, migrations: (inout DatabaseMigrator) -> Void) throws {
        try FileManager.default.createDirectory(
            at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            // `WALCheckpointer` checkpoints in the background; SQLite's own (in the committing
            // writer) only past this many pages, should that service not run.
            try db.execute(sql: "PRAGMA wal_autocheckpoint = \(Self.fallbackCheckpointPages)")
            // The log file shrinks back to this after a checkpoint rewinds it.
            try db.execute(sql: "PRAGMA journal_size_limit = \(64 << 20)")
            ownership?.register(on: db)
        }
        pool = try DatabasePool(path: path, configuration: configuration)
        // FULL: a commit survives power loss, not just a process crash: ledger rows are money. Set on
        // the writer after the pool is open, because the pool turns on WAL after `prepareDatabase`
        // and sets `synchronous = NORMAL` as it does (a pragma there would be silently undone).
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        self.path = path

        var migrator = DatabaseMigrator()
        migrator.registerMigration("shared-v1-outbox-inbox") { db in
            try db.create(table: OutboxRecord.databaseTableName) { table in
                table.autoIncrementedPrimaryKey("sequence")
                table.column("event_id", .text).notNull().unique()
                table.column("topic", .text).notNull()
                table.column("key", .text).notNull()
                table.column("payload", .blob).notNull()
                table.column("created_at", .datetime).notNull()
            }
            try db.create(table: InboxRecord.databaseTableName) { table in
                table.primaryKey("event_id", .text)
                table.column("event_type", .text).notNull()
                table.column("processed_at", .datetime).notNull()
            }
        }
        if ownership != nil { ShardOwnership.registerMigration(&migrator) }
        migrations(&migrator)
        try migrator.migrate(pool)
        self.ownership = ownership
        if ownership != nil && fenced {
            try pool.writeWithoutTransaction { db in try ShardOwnership.installFence(on: db) }
        }
    }
}
