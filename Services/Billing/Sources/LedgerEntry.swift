import EventContracts
import Foundation
import GRDB

/// One row of the append-only credit ledger. Amounts are integer credits: grants positive, debits
/// negative. A job has at most one debit (unique index on `job_id` for debits). Rows are chained per
/// workspace by `LedgerChain` (number, previous hash, own hash); times are kept as integer
/// milliseconds too, which is what the hash covers.
public struct LedgerEntry: Codable, Sendable, FetchableRecord, PersistableRecord, Equatable {
    public static let databaseTableName = "ledger_entries"

    public enum Kind: String, Codable, Sendable {
        case grant, debit, adjustment
    }

    public var id: String
    public var workspaceID: String
    public var amount: Int64
    public var kind: Kind
    public var jobID: String?
    public var reason: String
    public var createdAt: Date
    /// `createdAt` in whole milliseconds since 1970: the exact value the hash covers.
    public var createdAtMilliseconds: Int64
    /// When a grant stops counting; nil for grants that never expire and for debits.
    public var expiresAtMilliseconds: Int64?
    /// 1, 2, 3… within the workspace.
    public var workspaceSequence: Int64
    public var previousHash: String
    public var entryHash: String

    /// A new entry, not yet chained (`LedgerChain.append` numbers, links and hashes it).
    public init(id: String, workspaceID: String, amount: Int64, kind: Kind, jobID: String?, reason: String,
                createdAt: Date = Date(), expiresAt: Date? = nil) {
        let milliseconds = createdAt.millisecondsSince1970
        self.id = id
        self.workspaceID = workspaceID
        self.amount = amount
        self.kind = kind
        self.jobID = jobID
        self.reason = reason
        self.createdAt = Date(millisecondsSince1970: milliseconds)
        self.createdAtMilliseconds = milliseconds
        self.expiresAtMilliseconds = expiresAt?.millisecondsSince1970
        self.workspaceSequence = 0
        self.previousHash = ""
        self.entryHash = ""
    }

    enum CodingKeys: String, CodingKey {
        case id, amount, kind, reason
        case workspaceID = "workspace_id"
        case jobID = "job_id"
        case createdAt = "created_at"
        case createdAtMilliseconds = "created_at_ms"
        case expiresAtMilliseconds = "expires_at_ms"
        case workspaceSequence = "workspace_sequence"
        case previousHash = "previous_hash"
        case entryHash = "entry_hash"
    }

    static func registerMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("billing-v1-ledger") { db in
            try db.create(table: databaseTableName) { table in
                table.primaryKey("id", .text)
                table.column("workspace_id", .text).notNull().indexed()
                table.column("amount", .integer).notNull()
                table.column("kind", .text).notNull()
                table.column("job_id", .text)
                table.column("reason", .text).notNull()
                table.column("created_at", .datetime).notNull()
            }
            try db.execute(sql: """
                CREATE UNIQUE INDEX ledger_entries_one_debit_per_job ON ledger_entries(job_id) WHERE kind = 'debit'
                """)
            // Append-only: the ledger is history, not state.
            try db.execute(sql: """
                CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries
                BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END
                """)
            try db.execute(sql: """
                CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries
                BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END
                """)
        }
    }

    /// v2: the hash chain. Existing rows are numbered in insertion order and chained; the
    /// append-only triggers are lifted only for that backfill.
    static func registerChainMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("billing-v2-hash-chain") { db in
            try db.execute(sql: "DROP TRIGGER ledger_entries_no_update")
            try db.alter(table: databaseTableName) { table in
                table.add(column: "created_at_ms", .integer).notNull().defaults(to: 0)
                table.add(column: "expires_at_ms", .integer)
                table.add(column: "workspace_sequence", .integer).notNull().defaults(to: 0)
                table.add(column: "previous_hash", .text).notNull().defaults(to: "")
                table.add(column: "entry_hash", .text).notNull().defaults(to: "")
            }
            let rows = try Row.fetchAll(db, sql: "SELECT rowid, id, workspace_id, created_at FROM ledger_entries ORDER BY rowid")
            var last: [String: (sequence: Int64, hash: String)] = [:]
            for row in rows {
                let rowID: Int64 = row["rowid"]
                let workspace: String = row["workspace_id"]
                let created: Date = row["created_at"]
                let milliseconds = created.millisecondsSince1970
                try db.execute(sql: "UPDATE ledger_entries SET created_at_ms = ? WHERE rowid = ?", arguments: [milliseconds, rowID])
                var entry = try LedgerEntry.fetchOne(db, sql: "SELECT * FROM ledger_entries WHERE rowid = ?", arguments: [rowID])!
                entry.workspaceSequence = (last[workspace]?.sequence ?? 0) + 1
                entry.previousHash = last[workspace]?.hash ?? LedgerChain.genesis
                entry.entryHash = LedgerChain.hash(of: entry)
                try db.execute(sql: "UPDATE ledger_entries SET workspace_sequence = ?, previous_hash = ?, entry_hash = ? WHERE rowid = ?",
                               arguments: [entry.workspaceSequence, entry.previousHash, entry.entryHash, rowID])
                last[workspace] = (entry.workspaceSequence, entry.entryHash)
            }
            try db.create(index: "ledger_entries_chain", on: databaseTableName, columns: ["workspace_id", "workspace_sequence"], unique: true)
            try db.execute(sql: """
                CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries
                BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END
                """)
        }
    }
}
