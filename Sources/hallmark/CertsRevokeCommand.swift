import ArgumentParser
import Foundation
import HallmarkCore
import HallmarkPKI

/// `hallmark certs revoke`: adds a member certificate to the alliance's signed revocation list.
struct CertsRevokeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "Revoke a member certificate: add it to the CA-signed revocation list (revocations.pem).",
        discussion: """
            The member's connections are refused from the revocation time on, and its checkpoints signed from then \
            on are rejected; its earlier entries stay auditable and are marked. Give the new revocations.pem to \
            every member.
            """
    )

    @Option(help: ArgumentHelp("The folder holding ca.pem, ca-key.pem and revocations.pem.", valueName: "DIR"))
    var alliance: String

    @Option(help: ArgumentHelp("The member certificate to revoke.", valueName: "FILE"))
    var memberCert: String?

    @Option(help: "Without --member-cert: the member id of the certificate to revoke.")
    var member: String?

    @Option(help: ArgumentHelp("Without --member-cert: the certificate's serial number, in hex.", valueName: "HEX"))
    var serial: String?

    @Option(
        help: ArgumentHelp(
            "Why: \(RevocationReason.supported.map(\.name).joined(separator: ", ")).",
            valueName: "REASON"
        )
    )
    var reason: String = RevocationReason.unspecified.name

    @Option(
        help: ArgumentHelp(
            "From when the certificate is revoked, a UTC time such as 2026-03-01T12:00:00Z (default: now).",
            valueName: "ISO8601"
        )
    )
    var time: String?

    @Option(help: ArgumentHelp("Days until a newer list is due.", valueName: "DAYS"))
    var validDays: Int = Int(RevocationList.defaultValidity / 86_400)

    @Flag(help: "Replace the entry of an already revoked certificate (new time and reason).")
    var force = false

    func validate() throws {
        if memberCert != nil {
            guard member == nil, serial == nil else {
                throw ValidationError("give either --member-cert, or --member and --serial, not both")
            }
        } else {
            guard member != nil, serial != nil else {
                throw ValidationError("give --member-cert FILE, or --member ID and --serial HEX")
            }
        }
        guard (1...3650).contains(validDays) else {
            throw ValidationError("--valid-days must be from 1 to 3650")
        }
    }

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        let allianceFolder = URL(fileURLWithPath: alliance)
        let reason = try RevocationReason(name: reason)
        let at = try time.map { try Timestamp(iso8601: $0).date } ?? Date()
        let validity = TimeInterval(validDays) * 86_400
        let revoked: MemberRevoked
        if let memberCert {
            revoked = try AllianceFiles.revoke(
                allianceDirectory: allianceFolder,
                memberCertificateFile: URL(fileURLWithPath: memberCert),
                reason: reason,
                at: at,
                force: force,
                validity: validity
            )
        } else {
            revoked = try AllianceFiles.revoke(
                allianceDirectory: allianceFolder,
                member: try MemberID(member ?? ""),
                serialNumber: try Revocation.serialNumber(hexText: serial ?? ""),
                reason: reason,
                at: at,
                force: force,
                validity: validity
            )
        }

        let entry = revoked.revocation
        let list = revoked.list
        if json {
            return try Output.json(
                CommandDocuments.MemberRevoked(
                    member: entry.memberID.rawValue,
                    serial: entry.serialNumber.hexText,
                    time: Timestamp(entry.time).iso8601,
                    reason: "\(entry.reason)",
                    replaced: revoked.replacedEntry != nil,
                    listNumber: "\(list.number)",
                    nextUpdate: Timestamp(list.nextUpdate).iso8601,
                    file: revoked.listFile.path
                )
            )
        }
        let verb = revoked.replacedEntry == nil ? "revoked" : "replaced the revocation of"
        Output.line(
            "\(verb) the certificate of member \(entry.memberID) as of \(Timestamp(entry.time).iso8601) (\(entry.reason))"
        )
        Output.line("  serial        \(entry.serialNumber.hexText)")
        if let fingerprint = entry.certificateFingerprint {
            Output.line("  sha256        \(fingerprint.hex)")
        }
        if let old = revoked.replacedEntry {
            Output.line("  replaced      as of \(Timestamp(old.time).iso8601) (\(old.reason))")
        }
        Output.line(
            "  list          \(revoked.listFile.path)  number \(list.number), \(list.revocations.count) revoked"
        )
        Output.line("  next update   \(Timestamp(list.nextUpdate).iso8601)  (sign a newer list before then)")
        Output.line("Give \(AllianceFiles.revocationListName) to every member.")
    }
}
