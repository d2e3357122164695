import Crypto
import Foundation
import GRDB

/// The ledger's tamper evidence: each workspace's entries form a hash chain. An entry's hash covers
/// all its fields and the previous entry's hash, and entries are numbered 1, 2, 3… per workspace
/// (unique), so an edited, deleted, reordered or inserted row breaks the chain at that point.
enum LedgerChain {
    /// `previous_hash` of a workspace's first entry.
    static let genesis = "genesis"

    /// Appends `entry` to its workspace's chain: numbers it, links it and hashes it, then inserts it.
    /// Runs inside the caller's transaction, which is the only writer (SQLite), so no two appends
    /// can take the same number.
    @discardableResult
    static func append(_ entry: LedgerEntry, in db: Database) throws -> LedgerEntry {
        var entry = entry
        // Only the chain's tip is needed: its number and hash, read through the chain's own index.
        let tip = try Row.fetchOne(db, sql: """
            SELECT workspace_sequence, entry_hash FROM ledger_entries
            WHERE workspace_id = ? ORDER BY workspace_sequence DESC LIMIT 1
            """, arguments: [entry.workspaceID])
        entry.workspaceSequence = (tip?["workspace_sequence"] as Int64? ?? 0) + 1
        entry.previousHash = tip?["entry_hash"] ?? genesis
        entry.entryHash = hash(of: entry)
        try entry.insert(db)
        try GrantBucket.apply(entry, in: db)
        return entry
    }

    /// SHA-256 (hex) over the entry's fields, JSON-encoded as one array so that no field can bleed
    /// into the next, and the previous entry's hash.
    static func hash(of entry: LedgerEntry) -> String {
        let fields: [String] = [
            "ledger-v1", entry.id, entry.workspaceID, String(entry.workspaceSequence), String(entry.amount), entry.kind.rawValue,
            entry.jobID ?? "", entry.reason, String(entry.createdAtMilliseconds), entry.expiresAtMilliseconds.map(String.init) ?? "",
            entry.previousHash,
        ]
        let bytes = (try? JSONEncoder().encode(fields)) ?? Data()
        return SHA256.hash(data: bytes).hexEncoded
    }

    /// One break in a chain.
    struct Problem: Equatable, CustomStringConvertible {
        let workspaceID: String
        let entryID: String?
        let problem: String

        var description: String { "workspace \(workspaceID), entry \(entryID ?? "-"): \(problem)" }
    }

    /// Checks every workspace's chain; an empty result means the ledger is intact.
    static func verify(_ db: Database) throws -> (entries: Int, problems: [Problem]) {
        // A cursor: the ledger is walked once, never loaded whole.
        let entries = try LedgerEntry.order(Column("workspace_id"), Column("workspace_sequence")).fetchCursor(db)
        var problems: [Problem] = []
        var count = 0
        var previous: (workspace: String, sequence: Int64, hash: String)?
        while let entry = try entries.next() {
            count += 1
            let (expectedSequence, expectedPrevious) = previous?.workspace == entry.workspaceID
                ? (previous!.sequence + 1, previous!.hash) : (1, genesis)
            if entry.workspaceSequence != expectedSequence {
                problems.append(Problem(workspaceID: entry.workspaceID, entryID: entry.id,
                                        problem: "is number \(entry.workspaceSequence) where \(expectedSequence) was expected (an entry is missing or was inserted)"))
            }
            if entry.previousHash != expectedPrevious {
                problems.append(Problem(workspaceID: entry.workspaceID, entryID: entry.id,
                                        problem: "does not link to the entry before it"))
            }
            if hash(of: entry) != entry.entryHash {
                problems.append(Problem(workspaceID: entry.workspaceID, entryID: entry.id,
                                        problem: "does not match its hash: a field was changed"))
            }
            previous = (entry.workspaceID, entry.workspaceSequence, entry.entryHash)
        }
        return (count, problems)
    }
}
