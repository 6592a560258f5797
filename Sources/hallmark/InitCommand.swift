import ArgumentParser
import Foundation
import HallmarkCore
import HallmarkMember

/// `hallmark init`: make a data folder a new store for one member.
struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a node's store from its member certificate and key, the alliance CA and the alliance key."
    )

    @OptionGroup var folder: DataFolderOptions

    @Option(help: ArgumentHelp("The member certificate (member.pem).", valueName: "FILE"))
    var memberCert: String

    @Option(help: ArgumentHelp("The member's private key (member-key.pem).", valueName: "FILE"))
    var memberKey: String

    @Option(help: ArgumentHelp("The alliance CA certificate (ca.pem).", valueName: "FILE"))
    var allianceCa: String

    @Option(help: ArgumentHelp("The alliance key (alliance.key).", valueName: "FILE"))
    var allianceKey: String

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        let node = try await Member.initialize(
            dataDirectory: folder.directory,
            memberCertificate: URL(fileURLWithPath: memberCert),
            memberKey: URL(fileURLWithPath: memberKey),
            allianceCA: URL(fileURLWithPath: allianceCa),
            allianceKey: URL(fileURLWithPath: allianceKey),
            logger: CommandLogger.logger
        )
        try await node.close()
        // A folder that existed before `init` keeps its mode otherwise.
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: folder.directory.path)
        if json {
            return try Output.json(
                CommandDocuments.Initialized(
                    member: node.identity.member.rawValue,
                    data: folder.directory.path,
                    allianceKey: node.identity.allianceKey.id
                )
            )
        }
        Output.line(
            "initialized \(folder.directory.path) for member \(node.identity.member) (alliance key \(node.identity.allianceKey.id))"
        )
    }
}
