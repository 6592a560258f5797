import ArgumentParser
import Foundation
import HallmarkMember
import HallmarkPKI

/// `hallmark certs install-revocations`: give a node the alliance's newer revocation list.
struct CertsInstallRevocationsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install-revocations",
        abstract: "Install a newer revocation list (revocations.pem from the alliance CA) into a node's data folder.",
        discussion: """
            The list must be signed by the node's alliance CA and newer than the one installed. A running node applies \
            it when it next opens the store (restart it); `hallmark init` installs a revocations.pem found beside ca.pem.
            """
    )

    @OptionGroup var folder: DataFolderOptions

    @Argument(help: "The revocations.pem file.")
    var file: String

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        let list = try await folder.withStore { try $0.installRevocationList(from: URL(fileURLWithPath: file)) }
        if json {
            return try Output.json(
                CommandDocuments.RevocationsInstalled(listNumber: "\(list.number)", revoked: list.revocations.count)
            )
        }
        Output.line("installed revocation list number \(list.number) (\(list.revocations.count) revoked certificates)")
    }
}
