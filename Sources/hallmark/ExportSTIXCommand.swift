import ArgumentParser
import Foundation
import HallmarkCore
import HallmarkInterchange
import HallmarkMember
import HallmarkPKI

/// `hallmark export stix`: a STIX 2.1 bundle of the indicators this node holds, for threat-intelligence tools.
struct ExportSTIXCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stix",
        abstract: "Write a STIX 2.1 bundle of the indicators this node holds (Protocol/stix.md).",
        discussion: """
            An identity per member, an indicator per member's assertion (its digest in a pattern over the custom \
            observable x-hallmark-indicator), retractions as revoked indicators, disputes as opinions. Exporting \
            twice gives the same ids. Raw identifiers appear only for this member's own submissions, and only with \
            --include-values.
            """
    )

    @OptionGroup var folder: DataFolderOptions

    @Option(help: ArgumentHelp("The file to write.", valueName: "FILE"))
    var out: String

    @Option(help: ArgumentHelp("Only what changed since: a UTC date or a duration back (30d).", valueName: "DATE"))
    var since: String?

    @Option(name: .customLong("kind"), help: ArgumentHelp("A kind to include; may be repeated.", valueName: "KIND"))
    var kinds: [String] = []

    @Flag(help: "Add the raw identifiers of this member's own submissions.")
    var includeValues = false

    @Flag(help: "Overwrite the file if it exists.")
    var force = false

    func run() async throws {
        let kinds = try self.kinds.isEmpty ? IndicatorKind.known : self.kinds.map { try IndicatorKind(parsing: $0) }
        let start = try since.map { try ExpiryParser.parseStart($0, now: .now(), option: "--since") }
        let (assertions, keyID) = try await folder.withStore { member in
            (try await member.exportAssertions(kinds: kinds, since: start), member.identity.allianceKey.id)
        }
        // Owner-only: with --include-values it holds this member's raw identifiers.
        try CredentialFile.writeAtomically(
            Array(try STIXExport.bundle(of: assertions, includeValues: includeValues, allianceKeyID: keyID)),
            to: URL(fileURLWithPath: out),
            mode: CredentialFile.secretMode,
            force: force
        )
        Output.line("wrote \(out): \(assertions.count) indicators")
    }
}
