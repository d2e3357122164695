import ArgumentParser
import Foundation

/// `roomreel balance`: the workspace's spendable credits, as api-ingress shows them.
struct BalanceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "balance", abstract: "Show the workspace's credits.")

    @OptionGroup var connection: APIConnection
    @Option(help: "The key's workspace (or ROOMREEL_WORKSPACE).")
    var workspace: String = ProcessInfo.processInfo.environment["ROOMREEL_WORKSPACE"] ?? "dev"

    func run() async throws {
        let balance = try await connection.call("GET", "/v1/workspaces/\(workspace)/balance")
        Console.say("\(workspace): \(balance["balance"] as? Int ?? 0) credits")
    }
}
