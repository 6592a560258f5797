import ArgumentParser
import Foundation
import HallmarkNode
import Logging

/// `hallmark demo`: three nodes on loopback, an indicator travelling from one end to the other.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run three member nodes from Certificates/dev in a line and show an indicator reach the far end."
    )

    @Option(help: ArgumentHelp("The development alliance folder.", valueName: "DIR"))
    var certificates = "Certificates/dev"

    @Option(help: "How many indicators the first node submits.")
    var indicators = 1_000

    func run() async throws {
        let folder = URL(fileURLWithPath: certificates)
        guard FileManager.default.fileExists(atPath: folder.appendingPathComponent("ca.pem").path) else {
            throw ValidationError(
                "no development alliance at \(certificates): run from the repository's top folder or pass --certificates"
            )
        }
        try await Demo.run(certificates: folder, indicators: max(1, indicators), logger: CommandLogger.logger) { line in
            Output.line(line)
        }
    }
}
