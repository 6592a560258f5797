import Foundation
import HallmarkCore
import HallmarkPKI
import Testing

/// Checks the revocation list with the openssl tool: it is a standard CRL that any X.509 stack reads.
@Suite(
    .enabled(if: OpenSSL.testsShouldRun, "openssl is not installed at /usr/bin/openssl (set CI to make this a failure)")
)
struct RevocationListOpenSSLTests {
    /// An alliance in `folder`, members `acme` and `globex`, and `acme` revoked for key compromise.
    private func makeRevokedAlliance(
        in folder: URL
    ) throws -> (created: AllianceCreated, acme: MemberIssued, globex: MemberIssued, revoked: MemberRevoked) {
        try #require(OpenSSL.isAvailable, "openssl must be installed at \(OpenSSL.path) when CI is set")
        let created = try AllianceFiles.initAlliance(name: "Example Alliance", outputDirectory: folder, force: false)
        let issue = { (id: String) in
            try AllianceFiles.issueMember(
                allianceDirectory: folder,
                member: MemberID(id),
                name: id.capitalized,
                hosts: [],
                outputDirectory: folder.appendingPathComponent(id),
                force: false
            )
        }
        let acme = try issue("acme")
        let globex = try issue("globex")
        _ = try AllianceFiles.revoke(
            allianceDirectory: folder,
            memberCertificateFile: globex.certificateFile,
            reason: .superseded
        )
        let revoked = try AllianceFiles.revoke(
            allianceDirectory: folder,
            memberCertificateFile: acme.certificateFile,
            reason: .keyCompromise,
            at: Date() - 60
        )
        return (created, acme, globex, revoked)
    }

    @Test func opensslVerifiesTheListAgainstTheCA() async throws {
        try await withTemporaryFolder { folder in
            let (created, _, _, revoked) = try makeRevokedAlliance(in: folder)
            let result = try OpenSSL.run([
                "crl", "-in", revoked.listFile.path, "-CAfile", created.caCertificateFile.path, "-noout",
            ])
            #expect(result.status == 0, "\(result.output)")
            #expect(result.output.contains("verify OK"), "\(result.output)")
        }
    }

    @Test func opensslRejectsTheListAgainstAnotherCA() async throws {
        try await withTemporaryFolder { folder in
            let (_, _, _, revoked) = try makeRevokedAlliance(in: folder)
            let other = try AllianceFiles.initAlliance(
                name: "Example Alliance",
                outputDirectory: folder.appendingPathComponent("other"),
                force: false
            )
            let result = try OpenSSL.run([
                "crl", "-in", revoked.listFile.path, "-CAfile", other.caCertificateFile.path, "-noout",
            ])
            #expect(!result.output.contains("verify OK"), "\(result.output)")
            #expect(result.output.contains("verify failure"), "\(result.output)")
        }
    }

    @Test func opensslShowsTheEntries() async throws {
        try await withTemporaryFolder { folder in
            let (_, _, _, revoked) = try makeRevokedAlliance(in: folder)
            let result = try OpenSSL.run(["crl", "-in", revoked.listFile.path, "-noout", "-text"])
            #expect(result.status == 0, "\(result.output)")
            let text = result.output
            #expect(text.contains("Version 2 (0x1)"))
            #expect(text.contains("Signature Algorithm: ecdsa-with-SHA256"))
            #expect(text.contains("Issuer: O = Example Alliance, CN = Example Alliance"))
            #expect(text.contains("X509v3 CRL Number: \n                2\n"))
            #expect(text.contains("X509v3 Authority Key Identifier"))
            #expect(text.contains("Key Compromise"))
            #expect(text.contains("Superseded"))
            let serial = revoked.revocation.serialNumber.hexText.replacingOccurrences(of: ":", with: "").uppercased()
            // Both sides without leading zeros: DER may pad a serial with 00, and openssl prints 0A as 0A.
            let shown = text.split(separator: "\n").compactMap { line -> String? in
                guard let range = line.range(of: "Serial Number: ") else { return nil }
                return String(line[range.upperBound...]).replacingOccurrences(of: ":", with: "").uppercased()
            }
            #expect(shown.map { String($0.drop { $0 == "0" }) }.contains(String(serial.drop { $0 == "0" })), "\(text)")
            #expect(text.contains("2.25.148429642776466031176883874098995102829"))
        }
    }

    @Test func opensslRefusesTheRevokedMemberAndAcceptsTheOthers() async throws {
        try await withTemporaryFolder { folder in
            let (created, acme, globex, revoked) = try makeRevokedAlliance(in: folder)
            let renewed = try AllianceFiles.issueMember(
                allianceDirectory: folder,
                member: MemberID("globex"),
                name: "Globex",
                hosts: [],
                outputDirectory: folder.appendingPathComponent("globex-renewed"),
                force: false
            )
            let check = { (member: MemberIssued) in
                try OpenSSL.run([
                    "verify", "-crl_check", "-CRLfile", revoked.listFile.path,
                    "-CAfile", created.caCertificateFile.path, member.certificateFile.path,
                ])
            }
            for member in [acme, globex] {
                let result = try check(member)
                #expect(result.status != 0, "\(result.output)")
                #expect(result.output.contains("certificate revoked"), "\(result.output)")
            }
            let result = try check(renewed)
            #expect(result.status == 0, "\(result.output)")
            #expect(result.output == "\(renewed.certificateFile.path): OK\n")
        }
    }
}
