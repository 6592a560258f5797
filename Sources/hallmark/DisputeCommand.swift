import ArgumentParser
import HallmarkClient
import HallmarkCore
import HallmarkDocuments
import HallmarkMember

/// `hallmark dispute`: report another member's assertion as a false positive.
struct DisputeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dispute",
        abstract: "Dispute another member's assertion of an identifier. It stays listed; the dispute shows in verdicts."
    )

    @OptionGroup var folder: DataFolderOptions

    @OptionGroup var indicator: IdentifierArguments

    @Option(help: "The member whose assertion is disputed.")
    var origin: String

    @Option(help: "Reason code ([a-z0-9._-]), such as authorized-reseller.")
    var reason: String

    @Option(help: "A short note (shared with the alliance).")
    var note: String = ""

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        let identifier = try indicator.identifier()
        let disputed = try MemberID(origin)
        let outcome = try await folder.withNodeOrStore {
            try await $0.dispute(identifier, origin: disputed, reason: reason, note: note)
        }
        if json { return try Output.json(APIDocument.Outcome(outcome)) }
        Output.line(
            "disputed \(disputed)'s assertion of \(identifier.kind) '\(identifier.normalized)' (log size \(outcome.logSize))"
        )
    }
}
