import Foundation
import HallmarkCore
import HallmarkPKI
import Testing
import X509

@Suite struct AllianceFilesTests {
    @Test func initAllianceAndIssueMemberWriteFiveFilesWithTheRightModes() async throws {
        try await withTemporaryFolder { folder in
            let allianceFolder = folder.appendingPathComponent("alliance")
            let memberFolder = folder.appendingPathComponent("members/acme")  // created with its parent

            let created = try AllianceFiles.initAlliance(
                name: "Example Alliance",
                outputDirectory: allianceFolder,
                force: false
            )
            #expect(try contents(of: allianceFolder) == ["alliance.key", "ca-key.pem", "ca.pem"])
            #expect(created.caCertificateFile == allianceFolder.appendingPathComponent("ca.pem"))
            #expect(created.caKeyFile == allianceFolder.appendingPathComponent("ca-key.pem"))
            #expect(created.allianceKeyFile == allianceFolder.appendingPathComponent("alliance.key"))
            #expect(try permissions(of: created.caCertificateFile) == 0o644)
            #expect(try permissions(of: created.caKeyFile) == 0o600)
            #expect(try permissions(of: created.allianceKeyFile) == 0o600)
            #expect(created.allianceName == "Example Alliance")

            let issued = try AllianceFiles.issueMember(
                allianceDirectory: allianceFolder,
                member: MemberID("acme"),
                name: "Acme Brands",
                hosts: ["acme.example", "10.0.0.5"],
                outputDirectory: memberFolder,
                force: false
            )
            #expect(try contents(of: memberFolder) == ["member-key.pem", "member.pem"])
            #expect(issued.certificateFile == memberFolder.appendingPathComponent("member.pem"))
            #expect(issued.keyFile == memberFolder.appendingPathComponent("member-key.pem"))
            #expect(try permissions(of: issued.certificateFile) == 0o644)
            #expect(try permissions(of: issued.keyFile) == 0o600)
            #expect(issued.memberID == (try MemberID("acme")))
            #expect(issued.name == "Acme Brands")
        }
    }

    @Test func filesHaveTheExpectedFormats() async throws {
        try await withTemporaryFolder { folder in
            let created = try AllianceFiles.initAlliance(
                name: "Example Alliance",
                outputDirectory: folder,
                force: false
            )
            let issued = try AllianceFiles.issueMember(
                allianceDirectory: folder,
                member: MemberID("acme"),
                name: "Acme",
                hosts: [],
                outputDirectory: folder,
                force: false
            )
            let caPEM = try String(contentsOf: created.caCertificateFile, encoding: .utf8)
            let caKeyPEM = try String(contentsOf: created.caKeyFile, encoding: .utf8)
            let memberPEM = try String(contentsOf: issued.certificateFile, encoding: .utf8)
            let memberKeyPEM = try String(contentsOf: issued.keyFile, encoding: .utf8)
            for certificate in [caPEM, memberPEM] {
                #expect(certificate.hasPrefix("-----BEGIN CERTIFICATE-----\n"))
                #expect(certificate.hasSuffix("-----END CERTIFICATE-----\n"))
            }
            for key in [caKeyPEM, memberKeyPEM] {
                #expect(key.hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
                #expect(key.hasSuffix("-----END PRIVATE KEY-----\n"))
            }

            let allianceKey = try AllianceKey.load(file: created.allianceKeyFile)
            #expect(allianceKey.id == created.allianceKeyID)

            let trust = try AllianceTrust.load(caFile: created.caCertificateFile)
            #expect(trust.fingerprint == created.caFingerprint)
            #expect(trust.certificate.notValidAfter == created.expires)
            let credentials = try MemberCredentials.load(
                certificateFile: issued.certificateFile,
                keyFile: issued.keyFile
            )
            #expect(try credentials.certificate.sha256Fingerprint() == issued.fingerprint)
            #expect(credentials.certificate.notValidAfter == issued.expires)
        }
    }

    @Test func initAllianceRefusesToOverwriteWithoutForce() async throws {
        try await withTemporaryFolder { folder in
            let first = try AllianceFiles.initAlliance(name: "First", outputDirectory: folder, force: false)
            let before = try snapshot(folder)

            #expect {
                try AllianceFiles.initAlliance(name: "Second", outputDirectory: folder, force: false)
            } throws: { error in
                let error = try #require(error as? HallmarkError)
                return error.code == .fileProblem && error.message.contains("--force")
                    && (error.location ?? "").hasSuffix("/ca.pem")
            }
            #expect(try snapshot(folder) == before)

            let second = try AllianceFiles.initAlliance(name: "Second", outputDirectory: folder, force: true)
            #expect(second.caFingerprint != first.caFingerprint)
            #expect(second.allianceKeyID != first.allianceKeyID)
            #expect(try AllianceTrust.load(caFile: second.caCertificateFile).allianceName == "Second")
            #expect(try contents(of: folder) == ["alliance.key", "ca-key.pem", "ca.pem"])
            #expect(try permissions(of: second.caKeyFile) == 0o600)
        }
    }

    @Test func anyExistingFileBlocksInitAndNothingIsWritten() async throws {
        try await withTemporaryFolder { folder in
            let existing = folder.appendingPathComponent("alliance.key")
            try Data("keep me".utf8).write(to: existing)
            #expect {
                try AllianceFiles.initAlliance(name: "A", outputDirectory: folder, force: false)
            } throws: { error in
                (error as? HallmarkError)?.location == existing.path
            }
            #expect(try contents(of: folder) == ["alliance.key"])
            #expect(try String(contentsOf: existing, encoding: .utf8) == "keep me")
        }
    }

    @Test func issueMemberRefusesToOverwriteWithoutForce() async throws {
        try await withTemporaryFolder { folder in
            _ = try AllianceFiles.initAlliance(name: "Example Alliance", outputDirectory: folder, force: false)
            let output = folder.appendingPathComponent("acme")
            func issue(force: Bool) throws -> MemberIssued {
                try AllianceFiles.issueMember(
                    allianceDirectory: folder,
                    member: MemberID("acme"),
                    name: "Acme",
                    hosts: ["acme.example"],
                    outputDirectory: output,
                    force: force
                )
            }
            let first = try issue(force: false)
            let before = try snapshot(output)
            #expect {
                try issue(force: false)
            } throws: { error in
                let error = try #require(error as? HallmarkError)
                return error.code == .fileProblem && error.message.contains("--force")
                    && (error.location ?? "").hasSuffix("/member.pem")
            }
            #expect(try snapshot(output) == before)

            let second = try issue(force: true)
            #expect(second.fingerprint != first.fingerprint)
            #expect(try snapshot(output) != before)
            #expect(try contents(of: output) == ["member-key.pem", "member.pem"])
            #expect(try permissions(of: second.keyFile) == 0o600)
            #expect(try permissions(of: second.certificateFile) == 0o644)
            _ = try MemberCredentials.load(certificateFile: second.certificateFile, keyFile: second.keyFile)
        }
    }

    @Test func issueMemberNamesTheMissingCAFile() async throws {
        try await withTemporaryFolder { folder in
            let output = folder.appendingPathComponent("acme")
            #expect {
                try AllianceFiles.issueMember(
                    allianceDirectory: folder,
                    member: MemberID("acme"),
                    name: "Acme",
                    hosts: [],
                    outputDirectory: output,
                    force: false
                )
            } throws: { error in
                let error = try #require(error as? HallmarkError)
                return error.code == .fileProblem && error.location == folder.appendingPathComponent("ca.pem").path
                    && error.message.contains("missing")
            }
            #expect(!FileManager.default.fileExists(atPath: output.path))
        }
    }

    @Test func issueMemberWithABadHostWritesNothing() async throws {
        try await withTemporaryFolder { folder in
            _ = try AllianceFiles.initAlliance(name: "Example Alliance", outputDirectory: folder, force: false)
            let output = folder.appendingPathComponent("acme")
            #expect {
                try AllianceFiles.issueMember(
                    allianceDirectory: folder,
                    member: MemberID("acme"),
                    name: "Acme",
                    hosts: ["not a host"],
                    outputDirectory: output,
                    force: false
                )
            } throws: { error in
                (error as? HallmarkError)?.code == .invalidValue
            }
            #expect(!FileManager.default.fileExists(atPath: output.path))
        }
    }

    @Test func issueMemberRejectsACAKeyThatDoesNotMatch() async throws {
        try await withTemporaryFolder { folder in
            let a = folder.appendingPathComponent("a")
            let b = folder.appendingPathComponent("b")
            _ = try AllianceFiles.initAlliance(name: "A", outputDirectory: a, force: false)
            _ = try AllianceFiles.initAlliance(name: "B", outputDirectory: b, force: false)
            try FileManager.default.removeItem(at: a.appendingPathComponent("ca-key.pem"))
            try FileManager.default.copyItem(
                at: b.appendingPathComponent("ca-key.pem"),
                to: a.appendingPathComponent("ca-key.pem")
            )
            #expect {
                try AllianceFiles.issueMember(
                    allianceDirectory: a,
                    member: MemberID("acme"),
                    name: "Acme",
                    hosts: [],
                    outputDirectory: folder.appendingPathComponent("acme"),
                    force: false
                )
            } throws: { error in
                let error = try #require(error as? HallmarkError)
                return error.code == .untrustedCredential
                    && error.location == a.appendingPathComponent("ca-key.pem").path
            }
        }
    }

    @Test func outputPathThatIsAFileIsRefused() async throws {
        try await withTemporaryFolder { folder in
            let file = folder.appendingPathComponent("not-a-folder")
            try Data().write(to: file)
            #expect {
                try AllianceFiles.initAlliance(name: "A", outputDirectory: file, force: false)
            } throws: { error in
                let error = try #require(error as? HallmarkError)
                return error.code == .fileProblem && error.location == file.path
            }
        }
    }

    @Test func allianceKeyErrorsNameTheFile() async throws {
        try await withTemporaryFolder { folder in
            let file = folder.appendingPathComponent("alliance.key")
            #expect {
                try AllianceKey.load(file: file)
            } throws: { error in
                let error = try #require(error as? HallmarkError)
                return error.code == .fileProblem && error.location == file.path
            }
            try Data("hallmark-alliance-key v1\nsecret: 1234\n".utf8).write(to: file)
            #expect {
                try AllianceKey.load(file: file)
            } throws: { error in
                let error = try #require(error as? HallmarkError)
                return error.code == .malformed && error.location == "\(file.path): line 2"
            }
        }
    }

    /// Every file in a folder with its contents.
    private func snapshot(_ folder: URL) throws -> [String: Data] {
        var result: [String: Data] = [:]
        for name in try contents(of: folder) {
            result[name] = try Data(contentsOf: folder.appendingPathComponent(name))
        }
        return result
    }
}
