import ArgumentParser
import Foundation
import HallmarkClient
import HallmarkCore
import HallmarkDocuments
import HallmarkMember
import HallmarkPKI
import HallmarkReports

/// `hallmark audit report [--since DATE] [--format text|json|csv|html] [--out FILE]`: who contributes what and who is
/// disputed how often, per member, kind and month.
struct AuditReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Report each member's assertions, retractions and disputes, by kind and month.",
        discussion: """
            Counts every entry of every log this node holds: per member, its assertions, retractions and disputes \
            made, the disputes other members made against it, and its dispute share (of the distinct indicators it \
            first asserted in the period, the share another member has disputed against it), by indicator kind and \
            UTC month. Formats: text (the terminal), json, csv (one row per member, kind and month) and html (one \
            self-contained page with charts, nothing fetched). Safe against a running node (it only reads).
            """
    )

    /// The forms of the report.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, csv, html
    }

    @OptionGroup var folder: DataFolderOptions

    @Option(
        help: ArgumentHelp(
            """
            Count entries from this time on: a UTC date or time (2026-10-01, 2026-10-01T12:00:00Z) or a duration \
            back from now (30d, 12w, 1y). Default: every entry held.
            """,
            valueName: "DATE"
        )
    )
    var since: String?

    @Option(help: "The form of the report: text, json, csv or html.")
    var format: Format = .text

    @Option(help: ArgumentHelp("Write the report to this file instead of standard output.", valueName: "FILE"))
    var out: String?

    @Flag(help: "Overwrite the --out file if it exists.")
    var force = false

    func run() async throws {
        // Checked before the store or the node is reached, so that a typo costs nothing.
        if let since { _ = try ExpiryParser.parseStart(since, now: .now(), option: "--since") }
        let report = try await folder.withNodeOrStore { try await $0.contributionReport(since: since) }
        let contents: String
        switch format {
        case .text: contents = report.text()
        case .json:
            contents =
                String(decoding: try APIDocument.makeEncoder(pretty: true).encode(report), as: UTF8.self) + "\n"
        case .csv: contents = report.csv()
        case .html: contents = report.html()
        }
        guard let out else {
            FileHandle.standardOutput.write(Data(contents.utf8))
            return
        }
        let file = URL(fileURLWithPath: out)
        try CredentialFile.writeAtomically(contents, to: file, mode: CredentialFile.publicMode, force: force)
        let members = report.members.count == 1 ? "1 member" : "\(report.members.count) members"
        Output.note("wrote \(file.path): \(format.rawValue) report of \(members), \(report.periodDescription)")
    }
}
