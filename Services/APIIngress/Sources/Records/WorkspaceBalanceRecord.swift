import EventContracts
import Foundation
import GRDB

/// A workspace's balance as of its latest ledger entry seen, with the credits that were then due to
/// expire: `balance(at:)` subtracts those whose time has passed, so the answer stays right between
/// ledger events. Events from the grant and debit topics can arrive in either order; the entry with
/// the highest ledger sequence wins.
struct WorkspaceBalanceRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "workspace_balances"

    var workspaceID: String
    var balance: Int64
    var ledgerSequence: Int64
    /// When billing computed `balance`.
    var asOf: Date
    /// `[CreditExpiry]` as JSON.
    var expiring: String

    enum CodingKeys: String, CodingKey {
        case balance, expiring
        case workspaceID = "workspace_id"
        case ledgerSequence = "ledger_sequence"
        case asOf = "as_of"
    }

    static func createTable(_ db: Database) throws {
        try db.create(table: databaseTableName) { table in
            table.primaryKey("workspace_id", .text)
            table.column("balance", .integer).notNull()
            table.column("ledger_sequence", .integer).notNull()
            table.column("as_of", .datetime).notNull()
            table.column("expiring", .text).notNull()
        }
    }

    var expiries: [CreditExpiry] {
        (try? JSONDecoder().decode([CreditExpiry].self, from: Data(expiring.utf8))) ?? []
    }

    /// The spendable credits at `date`.
    func balance(at date: Date) -> Int64 {
        CreditExpiry.balance(balance, expiring: expiries, atMilliseconds: date.millisecondsSince1970)
    }

    /// Records a ledger entry and, when it is the newest seen, the balance after it.
    static func apply(_ entry: LedgerViewRecord, expiring: [CreditExpiry], in db: Database) throws {
        try entry.insert(db, onConflict: .ignore)
        let current = try fetchOne(db, key: entry.workspaceID)
        guard current.map({ $0.ledgerSequence < entry.sequence }) ?? true else { return }
        let json = String(decoding: CreditExpiry.json(expiring), as: UTF8.self)
        try WorkspaceBalanceRecord(workspaceID: entry.workspaceID, balance: entry.balanceAfter, ledgerSequence: entry.sequence,
                                   asOf: entry.createdAt, expiring: json).save(db)
    }
}
