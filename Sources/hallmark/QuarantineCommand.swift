import ArgumentParser
import HallmarkClient
import HallmarkCore
import HallmarkDocuments

/// `hallmark quarantine`: an operator's decisions about origins quarantined for equivocation.
struct QuarantineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quarantine",
        abstract: "Clear the quarantine of an origin that equivocated, once an operator has looked into it.",
        discussion: """
            A node quarantines an origin that signed two inconsistent checkpoints: its log takes no new entries here. \
            `hallmark status` lists quarantined origins; `hallmark audit origin MEMBER` shows the evidence.
            """,
        subcommands: [Clear.self]
    )

    /// `hallmark quarantine clear MEMBER`.
    struct Clear: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "clear",
            abstract: "Let a quarantined origin's log take new entries again; the evidence stays.",
            discussion: """
                The clearance is recorded in the store with the note, and shown by `hallmark audit origin MEMBER`. \
                Goes through the running node when one runs on the data folder.
                """
        )

        @OptionGroup var folder: DataFolderOptions

        @Argument(help: ArgumentHelp("The quarantined origin's member id.", valueName: "MEMBER"))
        var member: String

        @Option(help: "Why it is cleared, kept with the record (at most 280 bytes).")
        var note: String = ""

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            let origin = try MemberID(member)
            let clearance = try await folder.withNodeOrStore { try await $0.clearQuarantine(of: origin, note: note) }
            if json {
                try Output.json(clearance)
                return
            }
            Output.line(
                "cleared the quarantine of \(clearance.origin) (quarantined since \(clearance.quarantinedSince): "
                    + "\(clearance.reason)); its log takes new entries again, the evidence stays"
            )
        }
    }
}
