import ArgumentParser
import Foundation
import HallmarkCore
import HallmarkPKI

/// `hallmark certs`: the alliance's certificate authority and its members' certificates.
struct CertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certs",
        abstract: "Create an alliance CA, issue and revoke member certificates, install revocation lists.",
        subcommands: [
            InitAlliance.self, IssueMember.self, CertsRevokeCommand.self, CertsInstallRevocationsCommand.self,
        ]
    )

    struct InitAlliance: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "init-alliance",
            abstract: "Write a new alliance CA (ca.pem, ca-key.pem) and alliance key (alliance.key) into a folder."
        )

        @Option(help: "The alliance's name, as it appears in certificates.")
        var name: String

        @Option(help: ArgumentHelp("The folder to write into (created if missing).", valueName: "DIR"))
        var out: String

        @Flag(help: "Overwrite existing files.")
        var force = false

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            let created = try AllianceFiles.initAlliance(
                name: name,
                outputDirectory: URL(fileURLWithPath: out),
                force: force
            )
            if json {
                return try Output.json(
                    CommandDocuments.AllianceCreated(
                        alliance: created.allianceName,
                        caCertificate: created.caCertificateFile.path,
                        caFingerprint: created.caFingerprint.hex,
                        caKey: created.caKeyFile.path,
                        allianceKey: created.allianceKeyFile.path,
                        allianceKeyId: created.allianceKeyID
                    )
                )
            }
            Output.line("alliance '\(created.allianceName)' created in \(out)")
            Output.line("  CA certificate  \(created.caCertificateFile.path)  sha256 \(created.caFingerprint.hex)")
            Output.line("  CA key          \(created.caKeyFile.path)  (keep offline)")
            Output.line("  alliance key    \(created.allianceKeyFile.path)  id \(created.allianceKeyID)  (secret)")
        }
    }

    struct IssueMember: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "issue-member",
            abstract: "Issue a member certificate and key (member.pem, member-key.pem) signed by the alliance CA."
        )

        @Option(help: ArgumentHelp("The folder holding ca.pem and ca-key.pem.", valueName: "DIR"))
        var alliance: String

        @Option(help: "The member id (lower-case letters, digits, '-').")
        var member: String

        @Option(help: "The member's name, as it appears in its certificate.")
        var name: String

        @Option(
            help: ArgumentHelp(
                "A DNS name or IP address the member's node is reached at (repeatable).",
                valueName: "HOST"
            )
        )
        var host: [String] = []

        @Option(help: ArgumentHelp("The folder to write into (created if missing).", valueName: "DIR"))
        var out: String

        @Flag(help: "Overwrite existing files.")
        var force = false

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            let issued = try AllianceFiles.issueMember(
                allianceDirectory: URL(fileURLWithPath: alliance),
                member: try MemberID(member),
                name: name,
                hosts: host,
                outputDirectory: URL(fileURLWithPath: out),
                force: force
            )
            if json {
                return try Output.json(
                    CommandDocuments.MemberIssued(
                        member: issued.memberID.rawValue,
                        name: issued.name,
                        certificate: issued.certificateFile.path,
                        fingerprint: issued.fingerprint.hex,
                        key: issued.keyFile.path,
                        expires: Timestamp(issued.expires).iso8601
                    )
                )
            }
            Output.line("member \(issued.memberID) (\(issued.name)) issued in \(out)")
            Output.line("  certificate  \(issued.certificateFile.path)  sha256 \(issued.fingerprint.hex)")
            Output.line("  key          \(issued.keyFile.path)")
            Output.line("  expires      \(Timestamp(issued.expires).iso8601)")
        }
    }
}
