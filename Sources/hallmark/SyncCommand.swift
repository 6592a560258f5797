import ArgumentParser
import HallmarkFederation
import HallmarkMember

/// `hallmark sync`: one round of sync with one peer.
struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Fetch, verify and store what one peer holds beyond this node, once, and report it.",
        discussion: "Exit status 0 when everything offered verified, 2 when something was rejected, the peer failed "
            + "or the round was interrupted."
    )

    @OptionGroup var folder: DataFolderOptions

    @Option(help: ArgumentHelp("The peer, with the member expected in its certificate.", valueName: "MEMBER@HOST:PORT"))
    var peer: String

    func run() async throws {
        let address = try PeerAddress(parsing: peer)
        let report = try await folder.withStore { node in
            try await SyncEngine(member: node, logger: CommandLogger.logger).syncOnce(with: address)
        }
        Output.line("fetched \(report.totalFetched) entries from \(address)")
        for (origin, count) in report.fetched.sorted(by: { $0.key < $1.key }) {
            Output.line("  \(origin): \(count)")
        }
        for rejection in report.rejected {
            Output.line("  REJECTED log of \(rejection.origin): \(rejection.reason)")
        }
        if let interrupted = report.interrupted { Output.line("  INTERRUPTED: \(interrupted)") }
        if !report.rejected.isEmpty || report.interrupted != nil { throw ExitCode(2) }
    }
}
