import Foundation
import GRDB

/// api-ingress's copy of one ledger entry, from billing's `credits.granted` and `credits.debited`:
/// what `GET /v1/workspaces/{id}/ledger` lists. billing's ledger stays the record; this is a view.
struct LedgerViewRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "ledger_view"

    enum Kind: String, Codable {
        case grant, debit
    }

    var entryID: String
    var workspaceID: String
    /// The entry's number in the workspace's ledger (billing's `workspace_sequence`).
    var sequence: Int64
    var kind: Kind
    /// Positive for grants, negative for debits.
    var credits: Int64
    var balanceAfter: Int64
    var jobID: String?
    var expiresAt: Date?
    var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case sequence, kind, credits
        case entryID = "entry_id"
        case workspaceID = "workspace_id"
        case balanceAfter = "balance_after"
        case jobID = "job_id"
        case expiresAt = "expires_at"
        case createdAt = "created_at"
    }

    static func createTable(_ db: Database) throws {
        try db.create(table: databaseTableName) { table in
            table.primaryKey("entry_id", .text)
            table.column("workspace_id", .text).notNull()
            table.column("sequence", .integer).notNull()
            table.column("kind", .text).notNull()
            table.column("credits", .integer).notNull()
            table.column("balance_after", .integer).notNull()
            table.column("job_id", .text)
            table.column("expires_at", .datetime)
            table.column("created_at", .datetime).notNull()
        }
        try db.create(index: "ledger_view_by_workspace", on: databaseTableName, columns: ["workspace_id", "sequence"], unique: true)
    }
}
