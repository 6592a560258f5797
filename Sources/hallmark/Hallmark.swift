import ArgumentParser
import Foundation
import HallmarkCore
import HallmarkNode

/// `hallmark`: the command line of a Hallmark member node.
///
/// Exit status: 0 on success (for `check`: listed), 1 for `check` when nothing is listed (or only allowlisted), 2 on
/// any error.
@main
struct Hallmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hallmark",
        abstract:
            "A member node of an anti-counterfeiting alliance: share hashed indicators, check identifiers, audit provenance.",
        version: "hallmark \(HallmarkVersion.number) (federation protocol \(HallmarkVersion.protocolVersion))",
        subcommands: [
            CertsCommand.self, InitCommand.self, SubmitCommand.self, ImportCommand.self, CheckCommand.self,
            RetractCommand.self, DisputeCommand.self, AuditGroupCommand.self, StatusCommand.self, NodeCommand.self,
            SyncCommand.self, QuarantineCommand.self, AllowlistCommand.self, TokensCommand.self, HashImageCommand.self,
            ExportCommand.self, DemoCommand.self,
        ]
    )

    static func main() async {
        // The data folder holds the member's raw identifiers and its private key: what this process creates is its
        // user's alone (folders 0700, files 0600), whatever the shell's umask. Files it exports are too.
        umask(0o077)
        // A process-wide setting, so made once here, before anything large is allocated (a node's listed table, an
        // import's chunks): large buffers go back to the system when freed, not to the allocator's arenas.
        MemoryTrimming.returnLargeBlocks()
        do {
            _ = try CommandLogger.format()
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as HallmarkError {
            Output.error(error.description)
            Foundation.exit(2)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                Output.line(fullMessage(for: error))
                Foundation.exit(0)
            }
            if code.rawValue == 1, error is ExitCode {
                Foundation.exit(1)
            }
            Output.error(fullMessage(for: error))
            Foundation.exit(2)
        }
    }
}
