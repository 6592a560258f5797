import ArgumentParser
import HallmarkClient
import HallmarkCore
import HallmarkDocuments
import HallmarkMember

/// `hallmark submit`: assert one indicator.
struct SubmitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Assert that an identifier is known-bad, as this member."
    )

    @OptionGroup var folder: DataFolderOptions

    @OptionGroup var indicator: IdentifierArguments

    @Option(help: "Confidence from 0 to 100.")
    var confidence: Int = Submission.defaultConfidence

    @Option(help: "Reason code ([a-z0-9._-]).")
    var reason: String = Submission.defaultReason

    @Option(
        help: ArgumentHelp("When the assertion lapses: 90m, 12h, 30d, 2w, 1y, or a UTC date.", valueName: "DURATION")
    )
    var expires: String?

    @Option(help: "A short note shared with the alliance (at most 280 bytes).")
    var note: String = ""

    @Option(
        help: ArgumentHelp(
            "For image-pdq: the hash's PDQ quality (0-100, as hash-image prints it); below the node's floor it is refused.",
            valueName: "QUALITY"
        )
    )
    var quality: Int?

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        let identifier = try indicator.identifier()
        var submission = Submission(
            identifier: identifier,
            confidence: confidence,
            reason: reason,
            note: note,
            quality: quality
        )
        if let expires { submission.expires = try ExpiryParser.parse(expires, now: .now()) }
        let outcome = try await folder.withNodeOrStore { try await $0.submit([submission]) }
        if json { return try Output.json(APIDocument.Outcome(outcome)) }
        if outcome.appended == 0 {
            Output.line("unchanged: \(identifier.kind) '\(identifier.normalized)' is already asserted the same way")
        } else {
            Output.line("asserted \(identifier.kind) '\(identifier.normalized)' (log size \(outcome.logSize))")
        }
    }
}
