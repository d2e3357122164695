import ArgumentParser
import Billing
import Foundation

/// `roomreel credits grant|balance`: top up a workspace and read its balance, straight in billing's
/// ledger (SQLite takes care of billing running at the same time).
struct CreditsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "credits",
        abstract: "Grant credits to a workspace, or show its balance.",
        subcommands: [Grant.self, Balance.self]
    )

    struct Grant: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a grant (top-up), optionally expiring.")

        @Option(help: "The workspace to credit.") var workspace: String
        @Option(help: "Whole credits, more than 0.") var credits: Int64
        @Option(help: "Days until the grant lapses (unused credits then stop counting).") var expiresInDays: Double?
        @Option(help: "Why, for the ledger.") var reason: String = "manual grant"
        @Option(help: "Data folder holding billing's shards.") var dataDir: String = "./data"
        @Option(help: "The ledger file itself (overrides --data-dir).") var database: String?

        func validate() throws {
            guard credits > 0 else { throw ValidationError("--credits must be more than 0") }
            if let expiresInDays, expiresInDays <= 0 { throw ValidationError("--expires-in-days must be more than 0") }
        }

        func run() async throws {
            let path = try LedgerCommand.ledgerPath(of: workspace, dataDir: dataDir, database: database)
            let ledger = try openBillingDatabase(path: path)
            let expiry = expiresInDays.map { Date().addingTimeInterval($0 * 86_400) }
            let id = try grantCredits(credits, to: workspace, expiresAt: expiry, reason: reason, in: ledger)
            let balance = try creditBalance(of: workspace, in: ledger)
            Console.say("Granted \(credits) credits to \(workspace) (\(id)\(expiry.map { ", expires \($0.formatted(.iso8601))" } ?? "")); balance \(balance).")
        }
    }

    struct Balance: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a workspace's spendable credits.")

        @Option(help: "The workspace.") var workspace: String
        @Option(help: "Data folder holding billing's shards.") var dataDir: String = "./data"
        @Option(help: "The ledger file itself (overrides --data-dir).") var database: String?

        func run() async throws {
            let ledger = try openBillingDatabase(path: LedgerCommand.ledgerPath(of: workspace, dataDir: dataDir, database: database))
            Console.say("\(workspace): \(try creditBalance(of: workspace, in: ledger)) credits")
        }
    }
}
