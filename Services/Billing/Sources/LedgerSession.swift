import EventContracts
import EventRuntime
import Foundation
import GRDB

/// The ledger's writer inside one write transaction: appends entries to their workspace's hash chain
/// and keeps the grant buckets, reading each touched workspace's chain tip and live buckets once and
/// writing the drained buckets back in `finish()`.
///
/// Billing debits a whole batch of events through one session, so a batch of 500 debits costs a few
/// reads per workspace it touches instead of four queries per debit. A session is valid only inside
/// the transaction it was opened in: SQLite has one writer, so nothing else changes these rows
/// meanwhile, and if the transaction rolls back the session is dropped with it.
struct LedgerSession {
    private let db: Database
    /// The session's time: balances are judged and entries are dated at it.
    let now: Date
    private let nowMilliseconds: Int64
    private var tips: [String: (sequence: Int64, hash: String)] = [:]
    /// Each workspace's buckets still holding credits at `now`, in draining order.
    private var liveBuckets: [String: [LiveBucket]] = [:]
    /// New `remaining` values to write, by grant id.
    private var drained: [String: Int64] = [:]

    private struct LiveBucket {
        let grantID: String
        var remaining: Int64
        let expiresAtMilliseconds: Int64?

        /// Soonest-expiring first, never-expiring last; ties keep insertion order.
        var drainKey: Int64 { expiresAtMilliseconds ?? .max }
    }

    init(db: Database, now: Date = Date()) {
        self.db = db
        nowMilliseconds = now.millisecondsSince1970
        self.now = Date(millisecondsSince1970: nowMilliseconds)
    }

    /// The workspace's spendable credits at the session's time.
    mutating func balance(of workspaceID: String) throws -> Int64 {
        try buckets(of: workspaceID).reduce(0) { $0 + $1.remaining }
    }

    /// The workspace's unspent credits that have an expiry, soonest first.
    mutating func expiring(of workspaceID: String) throws -> [CreditExpiry] {
        try buckets(of: workspaceID).compactMap { bucket in
            bucket.expiresAtMilliseconds.map { CreditExpiry(credits: bucket.remaining, expiresAtMilliseconds: $0) }
        }
    }

    /// Whether `jobID` has been debited (in this transaction or before). `append` answers this for
    /// free when it inserts; this is for when nothing is to be inserted.
    func hasDebit(jobID: String) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM ledger_entries WHERE job_id = ? AND kind = 'debit')"),
                          arguments: [jobID]) == true
    }

    /// Numbers, links, hashes and inserts `entry`, then opens its grant bucket or drains the buckets
    /// for its debit. Debits are dated at the session's time (`now`): the buckets they drain are the
    /// ones live then. Returns nil, changing nothing, when the ledger already has an entry with this
    /// id (a job's debit is `debit:<job id>`, so this is also the one-debit-per-job check).
    @discardableResult
    mutating func append(_ entry: LedgerEntry) throws -> LedgerEntry? {
        var entry = entry
        let tip = try chainTip(of: entry.workspaceID)
        entry.workspaceSequence = tip.sequence + 1
        entry.previousHash = tip.hash
        entry.entryHash = LedgerChain.hash(of: entry)
        try db.cachedStatement(sql: """
            INSERT INTO ledger_entries (id, workspace_id, amount, kind, job_id, reason, created_at, created_at_ms,
                                        expires_at_ms, workspace_sequence, previous_hash, entry_hash)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO NOTHING
            """).execute(arguments: [
                entry.id, entry.workspaceID, entry.amount, entry.kind.rawValue, entry.jobID, entry.reason,
                DatabaseTime.value(entry.createdAt), entry.createdAtMilliseconds, entry.expiresAtMilliseconds,
                entry.workspaceSequence, entry.previousHash, entry.entryHash,
            ])
        // Only a clash of ids is let through as "nothing inserted"; any other constraint still throws.
        guard db.changesCount == 1 else { return nil }
        tips[entry.workspaceID] = (entry.workspaceSequence, entry.entryHash)
        if entry.amount > 0 {
            try openBucket(for: entry)
        } else {
            try drainBuckets(of: entry.workspaceID, by: -entry.amount)
        }
        return entry
    }

    /// Writes the drained buckets back. Call once, before the transaction commits.
    func finish() throws {
        let update = try db.cachedStatement(sql: "UPDATE grant_buckets SET remaining = ? WHERE grant_id = ?")
        for (grantID, remaining) in drained {
            try update.execute(arguments: [remaining, grantID])
        }
    }

    private mutating func chainTip(of workspaceID: String) throws -> (sequence: Int64, hash: String) {
        if let tip = tips[workspaceID] { return tip }
        // Only the chain's tip is needed: its number and hash, read through the chain's own index.
        let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT workspace_sequence, entry_hash FROM ledger_entries
            WHERE workspace_id = ? ORDER BY workspace_sequence DESC LIMIT 1
            """), arguments: [workspaceID])
        let tip = (sequence: row?[0] as Int64? ?? 0, hash: row?[1] as String? ?? LedgerChain.genesis)
        tips[workspaceID] = tip
        return tip
    }

    private mutating func buckets(of workspaceID: String) throws -> [LiveBucket] {
        if let buckets = liveBuckets[workspaceID] { return buckets }
        let rows = try Row.fetchAll(db.cachedStatement(sql: """
            SELECT grant_id, remaining, expires_at_ms FROM grant_buckets
            WHERE workspace_id = ? AND remaining > 0 AND (expires_at_ms IS NULL OR expires_at_ms > ?)
            ORDER BY expires_at_ms IS NULL, expires_at_ms, rowid
            """), arguments: [workspaceID, nowMilliseconds])
        let buckets = rows.map { LiveBucket(grantID: $0[0], remaining: $0[1], expiresAtMilliseconds: $0[2]) }
        liveBuckets[workspaceID] = buckets
        return buckets
    }

    private mutating func openBucket(for grant: LedgerEntry) throws {
        // Load the workspace's buckets before adding the row, or the new one would be read in twice.
        var buckets = try buckets(of: grant.workspaceID)
        try db.cachedStatement(sql: "INSERT INTO grant_buckets (grant_id, workspace_id, remaining, expires_at_ms) VALUES (?, ?, ?, ?)")
            .execute(arguments: [grant.id, grant.workspaceID, grant.amount, grant.expiresAtMilliseconds])
        guard grant.expiresAtMilliseconds.map({ $0 > nowMilliseconds }) ?? true else { return }
        let bucket = LiveBucket(grantID: grant.id, remaining: grant.amount, expiresAtMilliseconds: grant.expiresAtMilliseconds)
        let position = buckets.firstIndex { $0.drainKey > bucket.drainKey } ?? buckets.endIndex
        buckets.insert(bucket, at: position)
        liveBuckets[grant.workspaceID] = buckets
    }

    private mutating func drainBuckets(of workspaceID: String, by amount: Int64) throws {
        var owed = amount
        var buckets = try buckets(of: workspaceID)
        for index in buckets.indices where owed > 0 {
            let taken = min(owed, buckets[index].remaining)
            buckets[index].remaining -= taken
            owed -= taken
            drained[buckets[index].grantID] = buckets[index].remaining
        }
        liveBuckets[workspaceID] = buckets.filter { $0.remaining > 0 }
    }
}
