import Foundation
import GRDB

/// A workspace's spendable credits. Grants are buckets, some with an expiry; each debit drains the
/// buckets that were still valid at its time, soonest-expiring first (never-expiring last), so credits
/// about to lapse are used before lasting ones. The balance is what unexpired buckets still hold:
/// it can never go below zero, and with no expiring grants it is simply the sum of the entries.
enum CreditBalance {
    /// The balance of `workspaceID` at `now`, from its grant buckets.
    static func of(_ workspaceID: String, at now: Date, in db: Database) throws -> Int64 {
        try GrantBucket.balance(of: workspaceID, atMilliseconds: now.millisecondsSince1970, in: db)
    }

    /// The same balance by replaying the workspace's whole ledger: the reference the buckets are
    /// checked against.
    static func replayed(_ workspaceID: String, at now: Date, in db: Database) throws -> Int64 {
        let entries = try LedgerEntry
            .filter(Column("workspace_id") == workspaceID)
            .order(Column("workspace_sequence"))
            .fetchAll(db)
        return compute(entries, atMilliseconds: now.millisecondsSince1970)
    }

    /// The balance after `entries` (one workspace's, in ledger order) at time `now` (ms since 1970).
    static func compute(_ entries: [LedgerEntry], atMilliseconds now: Int64) -> Int64 {
        var buckets: [(remaining: Int64, expires: Int64?)] = []
        for entry in entries {
            if entry.amount > 0 {
                buckets.append((entry.amount, entry.expiresAtMilliseconds))
                continue
            }
            var owed = -entry.amount
            let valid = buckets.indices
                .filter { buckets[$0].remaining > 0 && (buckets[$0].expires.map { $0 > entry.createdAtMilliseconds } ?? true) }
                .sorted { (buckets[$0].expires ?? .max, $0) < (buckets[$1].expires ?? .max, $1) }
            for index in valid where owed > 0 {
                let taken = min(owed, buckets[index].remaining)
                buckets[index].remaining -= taken
                owed -= taken
            }
        }
        return buckets.filter { $0.expires.map { $0 > now } ?? true }.reduce(0) { $0 + $1.remaining }
    }
}
