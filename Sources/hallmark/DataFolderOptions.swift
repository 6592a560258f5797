import ArgumentParser
import Foundation
import HallmarkClient
import HallmarkCore
import HallmarkMember
import HallmarkNode
import Logging

/// `--data DIR`, shared by every command that touches a member's data folder, and the two ways to reach the member
/// in it.
struct DataFolderOptions: ParsableArguments {
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

    /// The control socket a node running on the data folder answers on.
    var controlSocket: URL { directory.appendingPathComponent(NodeRunner.controlSocketName) }

    /// Reaches the member through its running node (its control socket), or through its store opened directly when
    /// no node runs; runs `body`, and closes the store afterwards (saving the filter snapshot). For what must look
    /// the same either way: checks, submissions, audits, status.
    func withNodeOrStore<T>(_ body: (any MemberAccess) async throws -> T) async throws -> T {
        let member = try await MemberRouter.open(
            dataDirectory: directory,
            controlSocket: controlSocket,
            logger: CommandLogger.logger
        )
        let result = try await body(member)
        try await member.close()
        return result
    }

    /// Opens the member's store directly, whether or not a node runs on it (SQLite lets both work on it), runs
    /// `body`, and saves the filter snapshot afterwards. For what only the store keeps: tokens, the allowlist.
    func withStore<T>(_ body: (Member) async throws -> T) async throws -> T {
        let member = try await Member.open(
            dataDirectory: directory,
            logger: CommandLogger.logger,
            holdingListedTable: false
        )
        let result = try await body(member)
        try await member.close()
        return result
    }
}

/// The command line's logger: warnings and errors on standard error, as structured text, or as one JSON object a
/// line with `HALLMARK_LOG_FORMAT=json`.
enum CommandLogger {
    /// The formats `HALLMARK_LOG_FORMAT` takes.
    static let formats = ["text", "json"]

    /// `HALLMARK_LOG_FORMAT`, checked.
    /// - Throws: ``HallmarkError`` `invalid-value` for a value that is not one of ``formats``.
    static func format() throws -> String {
        let format = ProcessInfo.processInfo.environment["HALLMARK_LOG_FORMAT"] ?? "text"
        guard formats.contains(format) else {
            throw HallmarkError(
                .invalidValue,
                "HALLMARK_LOG_FORMAT is '\(format)'; it takes \(formats.joined(separator: " or "))"
            )
        }
        return format
    }

    static let logger: Logger = {
        let json = (try? format()) == "json"
        var logger = Logger(label: "hallmark") {
            json ? JSONLogHandler(label: $0) as any LogHandler : StreamLogHandler.standardError(label: $0)
        }
        logger.logLevel =
            ProcessInfo.processInfo.environment["HALLMARK_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) } ?? .warning
        return logger
    }()
}
