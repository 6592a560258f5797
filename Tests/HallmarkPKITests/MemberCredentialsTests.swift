import Foundation
import HallmarkCore
import HallmarkPKI
import Testing
import X509

@Suite struct MemberCredentialsTests {
    /// A P-384 key made for this test only: a well-formed key of the wrong curve.
    static let p384KeyPEM = """
        -----BEGIN PRIVATE KEY-----
        MIG2AgEAMBAGByqGSM49AgEGBSuBBAAiBIGeMIGbAgEBBDBrWFowLxe0/LHRfvU4
        5sEORHj86lcmoPAdAl0f/6uCTT6LD8w8Q85Ujqz03vKejiGhZANiAAST2FtA4x+O
        nZaKtCri4TOygcBiA3OvxOsPlE9doLf/Gl6rPqaxkcvrgTa3CRg3KEL7Bqe9kzdG
        PtmkiMNZ92yRiCfxYqtXtaG1ULabgVw0Z1S+bE018dMUVX5FRhJvgZY=
        -----END PRIVATE KEY-----

        """

    /// An alliance and two members (`acme`, `globex`) written into `folder`.
    private func makeAlliance(in folder: URL) throws -> (acme: MemberIssued, globex: MemberIssued) {
        _ = try AllianceFiles.initAlliance(name: "Example Alliance", outputDirectory: folder, force: false)
        func issue(_ id: String) throws -> MemberIssued {
            try AllianceFiles.issueMember(
                allianceDirectory: folder,
                member: MemberID(id),
                name: id.capitalized,
                hosts: ["\(id).example"],
                outputDirectory: folder.appendingPathComponent(id),
                force: false
            )
        }
        return (try issue("acme"), try issue("globex"))
    }

    private func expectError(
        _ code: HallmarkError.Code,
        at location: URL,
        mentioning text: String,
        sourceLocation: SourceLocation = #_sourceLocation,
        _ body: () throws -> Void
    ) {
        #expect(sourceLocation: sourceLocation) {
            try body()
        } throws: { error in
            let error = try #require(error as? HallmarkError)
            return error.code == code && error.location == location.path && error.message.contains(text)
        }
    }

    @Test func loadingRoundTrips() async throws {
        try await withTemporaryFolder { folder in
            let (acme, _) = try makeAlliance(in: folder)
            let credentials = try MemberCredentials.load(certificateFile: acme.certificateFile, keyFile: acme.keyFile)
            #expect(credentials.memberID == (try MemberID("acme")))
            #expect(credentials.name == "Acme")
            #expect(try credentials.certificate.sha256Fingerprint() == acme.fingerprint)
            #expect(
                Certificate.PublicKey(try credentials.certificate.signingPublicKey())
                    == credentials.certificate.publicKey
            )
            // Writing what was loaded gives back the same files.
            #expect(try credentials.certificatePEM() == String(contentsOf: acme.certificateFile, encoding: .utf8))
            #expect(credentials.privateKeyPEM == (try String(contentsOf: acme.keyFile, encoding: .utf8)))
        }
    }

    @Test func keyOfAnotherMemberIsRejected() async throws {
        try await withTemporaryFolder { folder in
            let (acme, globex) = try makeAlliance(in: folder)
            expectError(.untrustedCredential, at: globex.keyFile, mentioning: "does not match the certificate") {
                _ = try MemberCredentials.load(certificateFile: acme.certificateFile, keyFile: globex.keyFile)
            }
            let acmeCredentials = try MemberCredentials.load(
                certificateFile: acme.certificateFile,
                keyFile: acme.keyFile
            )
            let globexCredentials = try MemberCredentials.load(
                certificateFile: globex.certificateFile,
                keyFile: globex.keyFile
            )
            #expect {
                try MemberCredentials(
                    certificate: acmeCredentials.certificate,
                    privateKey: globexCredentials.privateKey
                )
            } throws: { error in
                (error as? HallmarkError)?.code == .untrustedCredential
            }
        }
    }

    @Test func missingFilesAreNamed() async throws {
        try await withTemporaryFolder { folder in
            let (acme, _) = try makeAlliance(in: folder)
            let nowhere = folder.appendingPathComponent("nowhere.pem")
            expectError(.fileProblem, at: nowhere, mentioning: "missing") {
                _ = try MemberCredentials.load(certificateFile: nowhere, keyFile: acme.keyFile)
            }
            expectError(.fileProblem, at: nowhere, mentioning: "missing") {
                _ = try MemberCredentials.load(certificateFile: acme.certificateFile, keyFile: nowhere)
            }
            expectError(.fileProblem, at: folder, mentioning: "folder") {
                _ = try MemberCredentials.load(certificateFile: folder, keyFile: acme.keyFile)
            }
        }
    }

    @Test func filesThatAreNotPEMOrHoldTheWrongThingAreRejected() async throws {
        try await withTemporaryFolder { folder in
            let (acme, _) = try makeAlliance(in: folder)
            let garbage = folder.appendingPathComponent("garbage.pem")
            try Data("this is not PEM\n".utf8).write(to: garbage)
            expectError(.malformed, at: garbage, mentioning: "not a PEM") {
                _ = try MemberCredentials.load(certificateFile: garbage, keyFile: acme.keyFile)
            }
            expectError(.malformed, at: garbage, mentioning: "not a PEM") {
                _ = try MemberCredentials.load(certificateFile: acme.certificateFile, keyFile: garbage)
            }
            // Keys and certificates swapped.
            expectError(.malformed, at: acme.keyFile, mentioning: "not a certificate") {
                _ = try MemberCredentials.load(certificateFile: acme.keyFile, keyFile: acme.certificateFile)
            }
            expectError(.malformed, at: acme.certificateFile, mentioning: "not a private key") {
                _ = try MemberCredentials.load(certificateFile: acme.certificateFile, keyFile: acme.certificateFile)
            }
            let p384 = folder.appendingPathComponent("p384.pem")
            try Data(Self.p384KeyPEM.utf8).write(to: p384)
            expectError(.malformed, at: p384, mentioning: "not a P-256 private key") {
                _ = try MemberCredentials.load(certificateFile: acme.certificateFile, keyFile: p384)
            }
            let corrupt = folder.appendingPathComponent("corrupt.pem")
            try Data("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n".utf8).write(to: corrupt)
            expectError(.malformed, at: corrupt, mentioning: "does not decode") {
                _ = try MemberCredentials.load(certificateFile: corrupt, keyFile: acme.keyFile)
            }
            let binary = folder.appendingPathComponent("binary.der")
            try Data([0x30, 0x82, 0xff, 0xfe, 0x00]).write(to: binary)
            expectError(.fileProblem, at: binary, mentioning: "not a text file") {
                _ = try MemberCredentials.load(certificateFile: binary, keyFile: acme.keyFile)
            }
            let two = folder.appendingPathComponent("two.pem")
            let pem = try String(contentsOf: acme.certificateFile, encoding: .utf8)
            try Data((pem + pem).utf8).write(to: two)
            expectError(.malformed, at: two, mentioning: "2 PEM blocks") {
                _ = try MemberCredentials.load(certificateFile: two, keyFile: acme.keyFile)
            }
        }
    }

    @Test func certificateWithoutMemberURIIsRejected() async throws {
        try await withTemporaryFolder { folder in
            _ = try makeAlliance(in: folder)
            // The CA certificate and key match each other but name no member.
            let caFile = folder.appendingPathComponent(AllianceFiles.caCertificateName)
            let caKeyFile = folder.appendingPathComponent(AllianceFiles.caKeyName)
            expectError(.untrustedCredential, at: caFile, mentioning: "hallmark://member/") {
                _ = try MemberCredentials.load(certificateFile: caFile, keyFile: caKeyFile)
            }
        }
    }
}
