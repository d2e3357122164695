import ArgumentParser

@main
struct RoomReelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roomreel",
        abstract: "RoomReel: room photos in, short videos out.",
        subcommands: [DevCommand.self, SubmitCommand.self, JobsCommand.self, BalanceCommand.self, KafkaMockCommand.self, RenderCommand.self,
                      LedgerCommand.self, CreditsCommand.self]
    )
}
