import Foundation
import GRDB

/// What is left of one grant: derived state kept beside the append-only ledger, in the same
/// transactions, so a balance is a sum over a workspace's few live buckets instead of a replay of its
/// whole history. `CreditBalance.compute` (the replay) is the reference it is tested against.
struct GrantBucket: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "grant_buckets"

    var grantID: String
    var workspaceID: String
    var remaining: Int64
    var expiresAtMilliseconds: Int64?

    enum CodingKeys: String, CodingKey {
        case remaining
        case grantID = "grant_id"
        case workspaceID = "workspace_id"
        case expiresAtMilliseconds = "expires_at_ms"
    }

    /// v3: one bucket per grant, filled by replaying each workspace's ledger.
    static func registerMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("billing-v3-grant-buckets") { db in
            try db.create(table: databaseTableName) { table in
                table.primaryKey("grant_id", .text)
                table.column("workspace_id", .text).notNull()
                table.column("remaining", .integer).notNull()
                table.column("expires_at_ms", .integer)
            }
            try db.create(index: "grant_buckets_by_workspace", on: databaseTableName, columns: ["workspace_id", "expires_at_ms"])
            let workspaces = try String.fetchAll(db, sql: "SELECT DISTINCT workspace_id FROM ledger_entries")
            for workspace in workspaces {
                let entries = try LedgerEntry.filter(Column("workspace_id") == workspace).order(Column("workspace_sequence")).fetchAll(db)
                for entry in entries {
                    try apply(entry, in: db)
                }
            }
        }
    }

    /// Updates the buckets for a ledger entry: a grant opens one, a debit drains the buckets valid at
    /// its time, soonest-expiring first (never-expiring last, then oldest first). Only the v3
    /// migration's replay uses this; live writes go through `LedgerSession`, which keeps the same rules.
    static func apply(_ entry: LedgerEntry, in db: Database) throws {
        if entry.amount > 0 {
            try GrantBucket(grantID: entry.id, workspaceID: entry.workspaceID, remaining: entry.amount,
                            expiresAtMilliseconds: entry.expiresAtMilliseconds).insert(db)
            return
        }
        var owed = -entry.amount
        let buckets = try Row.fetchAll(db.cachedStatement(sql: """
            SELECT grant_id, remaining FROM grant_buckets
            WHERE workspace_id = ? AND remaining > 0 AND (expires_at_ms IS NULL OR expires_at_ms > ?)
            ORDER BY expires_at_ms IS NULL, expires_at_ms, rowid
            """), arguments: [entry.workspaceID, entry.createdAtMilliseconds])
        let drain = try db.cachedStatement(sql: "UPDATE grant_buckets SET remaining = ? WHERE grant_id = ?")
        for bucket in buckets where owed > 0 {
            let (grantID, remaining): (String, Int64) = (bucket[0], bucket[1])
            let taken = min(owed, remaining)
            owed -= taken
            try drain.execute(arguments: [remaining - taken, grantID])
        }
    }

    /// The workspace's spendable credits at `now` (ms since 1970).
    static func balance(of workspaceID: String, atMilliseconds now: Int64, in db: Database) throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: """
            SELECT COALESCE(SUM(remaining), 0) FROM grant_buckets
            WHERE workspace_id = ? AND (expires_at_ms IS NULL OR expires_at_ms > ?)
            """), arguments: [workspaceID, now]) ?? 0
    }
}
