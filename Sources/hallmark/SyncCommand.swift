import ArgumentParser
import HallmarkClient
import HallmarkDocuments
import HallmarkFederation
import HallmarkMember
import HallmarkNode

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

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        let address = try PeerAddress(parsing: peer)
        // Beside a running node the round runs in it, so that what it fetches is in its filter at once.
        let result: APIDocument.SyncResult
        if let node = await MemberRouter.runningNode(controlSocket: folder.controlSocket, logger: CommandLogger.logger)
        {
            result = try await node.sync(peer: address.description)
        } else {
            result = APIDocument.SyncResult(
                try await folder.withStore { node in
                    try await SyncEngine(member: node, logger: CommandLogger.logger).syncOnce(with: address)
                }
            )
        }
        if json {
            try Output.json(result)
        } else {
            print(result, from: address)
        }
        if !result.rejected.isEmpty || result.interrupted != nil { throw ExitCode(2) }
    }

    private func print(_ result: APIDocument.SyncResult, from address: PeerAddress) {
        Output.line("fetched \(result.entriesFetched) entries from \(address)")
        for fetched in result.fetched {
            Output.line("  \(fetched.origin): \(fetched.entries)")
        }
        for rejection in result.rejected {
            Output.line("  REJECTED log of \(rejection.origin): \(rejection.reason)")
        }
        if let interrupted = result.interrupted { Output.line("  INTERRUPTED: \(interrupted)") }
    }
}
