import Foundation
import HallmarkCore
import HallmarkPKI
import Testing

/// Checks the written files with the openssl tool: what Hallmark writes must work with every TLS stack.
@Suite(
    .enabled(if: OpenSSL.testsShouldRun, "openssl is not installed at /usr/bin/openssl (set CI to make this a failure)")
)
struct AllianceFilesOpenSSLTests {
    /// An alliance in `folder` and a member `acme` in `folder/acme`.
    private func makeAlliance(in folder: URL) throws -> (created: AllianceCreated, issued: MemberIssued) {
        try #require(OpenSSL.isAvailable, "openssl must be installed at \(OpenSSL.path) when CI is set")
        let created = try AllianceFiles.initAlliance(name: "Example Alliance", outputDirectory: folder, force: false)
        let issued = try AllianceFiles.issueMember(
            allianceDirectory: folder,
            member: MemberID("acme"),
            name: "Acme Brands",
            hosts: ["acme.example", "10.0.0.5", "::1"],
            outputDirectory: folder.appendingPathComponent("acme"),
            force: false
        )
        return (created, issued)
    }

    @Test func opensslVerifiesTheMemberAgainstTheCA() async throws {
        try await withTemporaryFolder { folder in
            let (created, issued) = try makeAlliance(in: folder)
            let ca = created.caCertificateFile.path
            let member = issued.certificateFile.path

            let plain = try OpenSSL.run(["verify", "-CAfile", ca, member])
            #expect(plain.status == 0)
            #expect(plain.output == "\(member): OK\n")

            for purpose in ["sslserver", "sslclient"] {
                let result = try OpenSSL.run(["verify", "-x509_strict", "-purpose", purpose, "-CAfile", ca, member])
                #expect(result.status == 0, "purpose \(purpose): \(result.output)")
                #expect(result.output.hasSuffix(": OK\n"), "purpose \(purpose): \(result.output)")
            }
        }
    }

    @Test func opensslRejectsAMemberOfAnotherCA() async throws {
        try await withTemporaryFolder { folder in
            let (created, _) = try makeAlliance(in: folder)
            let (_, stranger) = try makeAlliance(in: folder.appendingPathComponent("other"))
            let result = try OpenSSL.run([
                "verify", "-CAfile", created.caCertificateFile.path, stranger.certificateFile.path,
            ])
            #expect(result.status != 0)
            #expect(!result.output.contains(": OK"))
        }
    }

    @Test func opensslShowsTheSANsAndUsages() async throws {
        try await withTemporaryFolder { folder in
            let (created, issued) = try makeAlliance(in: folder)
            let member = try OpenSSL.run(["x509", "-noout", "-text", "-in", issued.certificateFile.path])
            #expect(member.status == 0)
            #expect(member.output.contains("URI:hallmark://member/acme"))
            #expect(member.output.contains("DNS:acme.example"))
            #expect(member.output.contains("IP Address:10.0.0.5"))
            #expect(member.output.contains("IP Address:0:0:0:0:0:0:0:1"))
            #expect(member.output.contains("TLS Web Server Authentication, TLS Web Client Authentication"))
            #expect(member.output.contains("X509v3 Key Usage: critical\n                Digital Signature\n"))
            #expect(member.output.contains("X509v3 Authority Key Identifier"))
            #expect(member.output.contains("Subject: O = Example Alliance, CN = Acme Brands"))
            #expect(member.output.contains("Issuer: O = Example Alliance, CN = Example Alliance"))
            #expect(member.output.contains("ecdsa-with-SHA256"))
            #expect(member.output.contains("NIST CURVE: P-256"))

            let ca = try OpenSSL.run(["x509", "-noout", "-text", "-in", created.caCertificateFile.path])
            #expect(ca.status == 0)
            #expect(ca.output.contains("X509v3 Basic Constraints: critical\n                CA:TRUE, pathlen:0"))
            #expect(ca.output.contains("X509v3 Key Usage: critical\n                Certificate Sign, CRL Sign"))
            #expect(ca.output.contains("X509v3 Subject Key Identifier"))
        }
    }

    @Test func opensslReadsThePrivateKeysAndTheyMatchTheCertificates() async throws {
        try await withTemporaryFolder { folder in
            let (created, issued) = try makeAlliance(in: folder)
            for (key, certificate) in [
                (created.caKeyFile, created.caCertificateFile), (issued.keyFile, issued.certificateFile),
            ] {
                let check = try OpenSSL.run(["pkey", "-in", key.path, "-noout"])
                #expect(check.status == 0, "\(check.output)")
                let keyPublic = try OpenSSL.run(["pkey", "-in", key.path, "-pubout"])
                let certificatePublic = try OpenSSL.run(["x509", "-in", certificate.path, "-noout", "-pubkey"])
                #expect(keyPublic.status == 0 && certificatePublic.status == 0)
                #expect(keyPublic.output.hasPrefix("-----BEGIN PUBLIC KEY-----"))
                #expect(keyPublic.output == certificatePublic.output)
            }
        }
    }

    @Test func fingerprintsMatchOpenSSL() async throws {
        try await withTemporaryFolder { folder in
            let (created, issued) = try makeAlliance(in: folder)
            for (file, fingerprint) in [
                (created.caCertificateFile, created.caFingerprint), (issued.certificateFile, issued.fingerprint),
            ] {
                let result = try OpenSSL.run(["x509", "-noout", "-fingerprint", "-sha256", "-in", file.path])
                #expect(result.status == 0)
                let hex = result.output.split(separator: "=").last.map { $0.filter(\.isHexDigit).lowercased() }
                #expect(hex == fingerprint.hex)
            }
        }
    }

    @Test func keysConvertedByOpenSSLToSEC1StillLoad() async throws {
        try await withTemporaryFolder { folder in
            let (_, issued) = try makeAlliance(in: folder)
            let sec1 = folder.appendingPathComponent("sec1-key.pem")
            let result = try OpenSSL.run(["ec", "-in", issued.keyFile.path, "-out", sec1.path])
            #expect(result.status == 0, "\(result.output)")
            let text = try String(contentsOf: sec1, encoding: .utf8)
            #expect(text.hasPrefix("-----BEGIN EC PRIVATE KEY-----"))
            let credentials = try MemberCredentials.load(certificateFile: issued.certificateFile, keyFile: sec1)
            #expect(credentials.memberID == (try MemberID("acme")))
        }
    }
}
