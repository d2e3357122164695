import ArgumentParser
import Billing
import Foundation

/// `roomreel ledger verify`: checks the hash chain of every workspace in billing's ledger.
struct LedgerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger",
        abstract: "Inspect billing's credit ledger.",
        subcommands: [Verify.self]
    )

    /// billing.sqlite under `dataDir`, or `database` when given.
    static func ledgerPath(dataDir: String, database: String?) -> String {
        database ?? URL(fileURLWithPath: dataDir).appendingPathComponent("billing.sqlite").path
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check every workspace's hash chain; exits 1 and lists the breaks if any entry was changed, removed or inserted."
        )

        @Option(help: "Data folder holding billing.sqlite.")
        var dataDir: String = "./data"

        @Option(help: "The ledger file itself (overrides --data-dir).")
        var database: String?

        func run() async throws {
            let path = LedgerCommand.ledgerPath(dataDir: dataDir, database: database)
            guard FileManager.default.fileExists(atPath: path) else {
                throw ValidationError("no ledger at \(path)")
            }
            let (entries, problems) = try verifyLedger(path: path)
            if problems.isEmpty {
                Console.say("Ledger intact: \(entries) entries, every chain verified (\(path)).")
            } else {
                Console.say("Ledger BROKEN: \(problems.count) problem(s) in \(entries) entries (\(path)):")
                problems.forEach { Console.say("  \($0)") }
                throw ExitCode(1)
            }
        }
    }
}
