import ArgumentParser
import Foundation
import HallmarkMember
import Logging

/// `--data DIR`, shared by every command that touches a store.
struct StoreOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp("The node's data folder (default: $HALLMARK_DATA, else ./hallmark-data).", valueName: "DIR")
    )
    var data: String?

    /// The data folder chosen: the flag, then the environment, then the default.
    var directory: URL {
        let path = data ?? ProcessInfo.processInfo.environment["HALLMARK_DATA"] ?? "hallmark-data"
        return URL(fileURLWithPath: path)
    }

    /// Opens the node, runs `body`, and saves the filter snapshot afterwards.
    func withNode<T>(_ body: (MemberNode) async throws -> T) async throws -> T {
        let node = try await MemberNode.open(dataDirectory: directory, logger: CommandLogger.logger)
        let result = try await body(node)
        try await node.close()
        return result
    }
}

/// The command line's logger: warnings and errors on standard error, as structured text.
enum CommandLogger {
    static let logger: Logger = {
        var logger = Logger(label: "hallmark") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel =
            ProcessInfo.processInfo.environment["HALLMARK_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) } ?? .warning
        return logger
    }()
}
