import ArgumentParser
import Foundation
import HallmarkCore
import HallmarkFederation
import HallmarkNode
import Logging

/// `hallmark node`: run a member node until SIGINT or SIGTERM.
struct NodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "node",
        abstract: "Run a member node: the federation listener (mutual TLS), a sync loop per peer, the local HTTP API.",
        discussion: """
            Settings come from --config (JSON; see the README), overridden by the flags. The HTTP API also answers on
            the control socket DATA/node.sock. Stops gracefully on SIGINT or SIGTERM. Logs go to standard error;
            HALLMARK_LOG_LEVEL=debug shows more.
            """
    )

    @OptionGroup var folder: DataFolderOptions

    @Option(help: ArgumentHelp("A JSON configuration file.", valueName: "FILE"))
    var config: String?

    @Option(
        help: ArgumentHelp("The federation listener, IPv4 HOST:PORT (default 127.0.0.1:7400).", valueName: "HOST:PORT")
    )
    var listen: String?

    @Option(
        help: ArgumentHelp(
            "The local HTTP API, IPv4 HOST:PORT (default 127.0.0.1:7480; beyond loopback it needs HTTPS and tokens).",
            valueName: "HOST:PORT"
        )
    )
    var api: String?

    @Option(
        help: ArgumentHelp(
            "The certificate chain (PEM) the HTTP API serves HTTPS with (default off loopback: the member certificate).",
            valueName: "FILE"
        )
    )
    var apiTlsCertificate: String?

    @Option(help: ArgumentHelp("The private key (PEM) of --api-tls-certificate.", valueName: "FILE"))
    var apiTlsKey: String?

    @Option(
        help: ArgumentHelp(
            "Threads that serve the HTTP API and answer single checks, 1-256 (default: the cores but one, at least 1).",
            valueName: "N"
        )
    )
    var apiThreads: Int?

    @Option(
        help: ArgumentHelp(
            "A peer to sync with (repeatable); replaces the file's peers.",
            valueName: "MEMBER@HOST:PORT"
        )
    )
    var peer: [String] = []

    func run() async throws {
        var configuration =
            try config.map { try NodeConfiguration(file: URL(fileURLWithPath: $0)) } ?? NodeConfiguration()
        if let listen { configuration.listen = try ListenAddress(parsing: listen) }
        if let api { configuration.api = try ListenAddress(parsing: api) }
        if let apiTlsCertificate { configuration.apiTLSCertificate = URL(fileURLWithPath: apiTlsCertificate) }
        if let apiTlsKey { configuration.apiTLSKey = URL(fileURLWithPath: apiTlsKey) }
        if !peer.isEmpty { configuration.peers = try peer.map { try PeerAddress(parsing: $0) } }
        if let apiThreads {
            guard NodeConfiguration.apiThreadRange.contains(apiThreads) else {
                throw HallmarkError(
                    .invalidValue,
                    "expected a whole number from 1 to \(NodeConfiguration.apiThreadRange.upperBound), not \(apiThreads)",
                    location: "--api-threads"
                )
            }
            configuration.apiThreads = apiThreads
        }
        var logger = CommandLogger.logger
        if ProcessInfo.processInfo.environment["HALLMARK_LOG_LEVEL"] == nil { logger.logLevel = .info }
        try await NodeRunner.run(dataDirectory: folder.directory, configuration: configuration, logger: logger)
    }
}
