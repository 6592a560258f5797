import ArgumentParser
import HallmarkClient
import HallmarkCore
import HallmarkDocuments
import HallmarkMember

/// `hallmark retract`: withdraw this member's own assertion.
struct RetractCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retract",
        abstract: "Withdraw this member's assertion of an identifier (only its origin can)."
    )

    @OptionGroup var folder: DataFolderOptions

    @OptionGroup var indicator: IdentifierArguments

    @Option(help: "A short note on why (shared with the alliance).")
    var note: String = ""

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        let identifier = try indicator.identifier()
        let outcome = try await folder.withNodeOrStore { try await $0.retract([identifier], note: note) }
        if json { return try Output.json(APIDocument.Outcome(outcome)) }
        Output.line("retracted \(identifier.kind) '\(identifier.normalized)' (log size \(outcome.logSize))")
    }
}
