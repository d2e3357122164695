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

    /// The ledger file holding `workspace`: `database` when given, else its shard under `dataDir`.
    static func ledgerPath(of workspace: String, dataDir: String, database: String?) throws -> String {
        if let database { return database }
        guard let file = ledgerFile(of: workspace, dataDirectory: URL(fileURLWithPath: dataDir)) else {
            throw ValidationError("no ledger under \(dataDir)/billing (has billing run there?)")
        }
        return file.path
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check every workspace's hash chain; exits 1 and lists the breaks if any entry was changed, removed or inserted."
        )

        @Option(help: "Data folder holding billing's shards (billing/shard-*.sqlite).")
        var dataDir: String = "./data"

        @Option(help: "One ledger file (overrides --data-dir).")
        var database: String?

        func run() async throws {
            let paths = database.map { [$0] } ?? ledgerFiles(dataDirectory: URL(fileURLWithPath: dataDir)).map(\.path)
            guard !paths.isEmpty, paths.allSatisfy(FileManager.default.fileExists(atPath:)) else {
                throw ValidationError("no ledger at \(database ?? dataDir + "/billing")")
            }
            var entries = 0
            var problems: [String] = []
            for path in paths {
                let verified = try verifyLedger(path: path)
                entries += verified.entries
                problems += verified.problems.map { "\(URL(fileURLWithPath: path).lastPathComponent): \($0)" }
            }
            if problems.isEmpty {
                Console.say("Ledger intact: \(entries) entries in \(paths.count) file(s), every chain verified.")
            } else {
                Console.say("Ledger BROKEN: \(problems.count) problem(s) in \(entries) entries:")
                problems.forEach { Console.say("  \($0)") }
                throw ExitCode(1)
            }
        }
    }
}
