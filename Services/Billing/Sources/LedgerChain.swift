import Crypto
import EventContracts
import Foundation
import GRDB

/// The ledger's tamper evidence: each workspace's entries form a hash chain. An entry's hash covers
/// all its fields and the previous entry's hash, and entries are numbered 1, 2, 3… per workspace
/// (unique), so an edited, deleted, reordered or inserted row breaks the chain at that point.
enum LedgerChain {
    /// `previous_hash` of a workspace's first entry.
    static let genesis = "genesis"

    /// Appends `entry` to its workspace's chain in the caller's transaction: a one-entry
    /// `LedgerSession`. Nil when an entry with that id exists already.
    @discardableResult
    static func append(_ entry: LedgerEntry, in db: Database) throws -> LedgerEntry? {
        var session = LedgerSession(db: db, now: entry.createdAt)
        let appended = try session.append(entry)
        try session.finish()
        return appended
    }

    /// SHA-256 (hex) over the entry's fields, written as one JSON array of strings so that no field
    /// can bleed into the next, and the previous entry's hash. The bytes are exactly what
    /// `JSONEncoder` writes for that array (the v1 format, which existing rows were hashed with),
    /// produced directly because the encoder's generic machinery dominated the cost of a debit.
    static func hash(of entry: LedgerEntry) -> String {
        let fields: [String] = [
            "ledger-v1", entry.id, entry.workspaceID, String(entry.workspaceSequence), String(entry.amount), entry.kind.rawValue,
            entry.jobID ?? "", entry.reason, String(entry.createdAtMilliseconds), entry.expiresAtMilliseconds.map(String.init) ?? "",
            entry.previousHash,
        ]
        var bytes: [UInt8] = [UInt8(ascii: "[")]
        bytes.reserveCapacity(fields.reduce(2) { $0 + $1.utf8.count + 3 })
        for (index, field) in fields.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            JSONText.appendString(field, to: &bytes, escapingSlashes: true)
        }
        bytes.append(UInt8(ascii: "]"))
        return SHA256.hash(data: bytes).withUnsafeBytes { $0.hexEncoded }
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
