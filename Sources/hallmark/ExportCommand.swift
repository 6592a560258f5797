import ArgumentParser

/// `hallmark export`: what this member's own systems or other tools take from its node.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export: a member filter file for this member's own systems, a STIX 2.1 bundle for other tools.",
        subcommands: [ExportFilterCommand.self, ExportSTIXCommand.self]
    )
}
