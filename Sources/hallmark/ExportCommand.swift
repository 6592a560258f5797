import ArgumentParser

/// `hallmark export`: what this member's own systems or other tools take from its node.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export for this member's own systems: a member filter file.",
        subcommands: [ExportFilterCommand.self]
    )
}
