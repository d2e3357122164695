import Foundation
import GRDB

/// One row of the append-only credit ledger. Amounts are integer credits: grants positive, debits
/// negative. A job has at most one debit (unique index on `job_id` for debits).
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

    enum CodingKeys: String, CodingKey {
        case id, amount, kind, reason
        case workspaceID = "workspace_id"
        case jobID = "job_id"
        case createdAt = "created_at"
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

    /// The workspace's balance: the sum of its entries.
    static func balance(of workspaceID: String, in db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT COALESCE(SUM(amount), 0) FROM ledger_entries WHERE workspace_id = ?",
                           arguments: [workspaceID]) ?? 0
    }
}
