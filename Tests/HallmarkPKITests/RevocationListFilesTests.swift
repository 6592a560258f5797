import Foundation
import HallmarkCore
import HallmarkPKI
import Testing
import X509

/// `AllianceFiles.revoke`, which `hallmark certs revoke` calls: the list written into the alliance folder.
@Suite struct RevocationListFilesTests {
    /// An alliance in `folder` with members `acme` and `globex` in `folder/acme` and `folder/globex`.
    private func makeAlliance(in folder: URL) throws -> (AllianceCreated, acme: MemberIssued, globex: MemberIssued) {
        let created = try AllianceFiles.initAlliance(name: "Example Alliance", outputDirectory: folder, force: false)
        let issue = { (id: String) in
            try AllianceFiles.issueMember(
                allianceDirectory: folder,
                member: MemberID(id),
                name: id.capitalized,
                hosts: ["\(id).example"],
                outputDirectory: folder.appendingPathComponent(id),
                force: false
            )
        }
        return (created, try issue("acme"), try issue("globex"))
    }

    private func certificate(_ issued: MemberIssued) throws -> Certificate {
        try MemberCredentials.load(certificateFile: issued.certificateFile, keyFile: issued.keyFile).certificate
    }

    @Test func revokingWritesASignedListAndEachRevocationBumpsIt() async throws {
        try await withTemporaryFolder { folder in
            let (created, acme, globex) = try makeAlliance(in: folder)
            let trust = try AllianceTrust.load(caFile: created.caCertificateFile)
            #expect(try AllianceFiles.loadRevocationList(in: folder, trust: trust) == nil)

            let since = Date() - 3600
            let first = try AllianceFiles.revoke(
                allianceDirectory: folder,
                memberCertificateFile: acme.certificateFile,
                reason: .keyCompromise,
                at: since
            )
            let listFile = folder.appendingPathComponent(AllianceFiles.revocationListName)
            #expect(first.listFile == listFile)
            #expect(try permissions(of: listFile) == 0o644)
            #expect(first.list.number == 1)
            #expect(first.replacedEntry == nil)
            #expect(first.revocation.memberID == acme.memberID)
            #expect(first.revocation.certificateFingerprint == acme.fingerprint)
            #expect(first.revocation.reason == .keyCompromise)
            #expect(first.list.nextUpdate == first.list.issued + RevocationList.defaultValidity)

            let read = try #require(try AllianceFiles.loadRevocationList(in: folder, trust: trust))
            #expect(read.derBytes == first.list.derBytes)
            let acmeCertificate = try certificate(acme)
            #expect(read.isRevoked(acmeCertificate, at: Date()))
            #expect(!read.isRevoked(acmeCertificate, at: since - 1))
            #expect(!read.isRevoked(try certificate(globex), at: Date()))

            // By member id and serial number, as when the certificate file is lost.
            let globexCertificate = try certificate(globex)
            let second = try AllianceFiles.revoke(
                allianceDirectory: folder,
                member: globex.memberID,
                serialNumber: try Certificate.SerialNumber(hexText: globexCertificate.serialNumber.hexText),
                reason: .cessationOfOperation,
                validity: 7 * 86_400
            )
            #expect(second.list.number == 2)
            #expect(second.list.nextUpdate == second.list.issued + 7 * 86_400)
            #expect(second.revocation.certificateFingerprint == nil)
            let both = try RevocationList.load(file: listFile, trust: trust)
            #expect(both.number == 2)
            #expect(both.revocations.map(\.memberID) == [acme.memberID, globex.memberID])
            #expect(both.isRevoked(globexCertificate, at: Date()))
            #expect(both.isRevoked(acmeCertificate, at: Date()))
        }
    }

    @Test func revokingARevokedCertificateIsRefusedUnlessForced() async throws {
        try await withTemporaryFolder { folder in
            let (_, acme, _) = try makeAlliance(in: folder)
            let listFile = folder.appendingPathComponent(AllianceFiles.revocationListName)
            _ = try AllianceFiles.revoke(allianceDirectory: folder, memberCertificateFile: acme.certificateFile)
            let before = try String(contentsOf: listFile, encoding: .utf8)

            #expect {
                _ = try AllianceFiles.revoke(
                    allianceDirectory: folder,
                    memberCertificateFile: acme.certificateFile,
                    reason: .keyCompromise
                )
            } throws: { error in
                let error = try #require(error as? HallmarkError)
                return error.code == .notPermitted && error.message.contains("'acme'")
                    && error.message.contains("already revoked") && error.message.contains("--force")
            }
            #expect(try String(contentsOf: listFile, encoding: .utf8) == before)

            let earlier = Date() - 86_400
            let forced = try AllianceFiles.revoke(
                allianceDirectory: folder,
                memberCertificateFile: acme.certificateFile,
                reason: .keyCompromise,
                at: earlier,
                force: true
            )
            #expect(forced.list.number == 2)
            #expect(forced.list.revocations.count == 1)
            #expect(forced.replacedEntry?.reason == .unspecified)
            #expect(forced.list.revocations.first?.reason == .keyCompromise)
            #expect(
                forced.list.revocations.first?.time
                    == Date(timeIntervalSince1970: earlier.timeIntervalSince1970.rounded(.down))
            )
        }
    }

    @Test func aCertificateOfAnotherCAIsNotRevoked() async throws {
        try await withTemporaryFolder { folder in
            _ = try makeAlliance(in: folder)
            let (_, stranger, _) = try makeAlliance(in: folder.appendingPathComponent("other"))
            #expect {
                _ = try AllianceFiles.revoke(allianceDirectory: folder, memberCertificateFile: stranger.certificateFile)
            } throws: { error in
                let error = try #require(error as? HallmarkError)
                return error.code == .untrustedCredential && error.location == stranger.certificateFile.path
                    && error.message.contains("not issued by the alliance CA")
            }
            #expect(!(try contents(of: folder).contains(AllianceFiles.revocationListName)))
        }
    }

    @Test func aFutureTimeIsRefused() async throws {
        try await withTemporaryFolder { folder in
            let (_, acme, _) = try makeAlliance(in: folder)
            #expect {
                _ = try AllianceFiles.revoke(
                    allianceDirectory: folder,
                    memberCertificateFile: acme.certificateFile,
                    at: Date() + 86_400
                )
            } throws: { error in
                let error = try #require(error as? HallmarkError)
                return error.code == .invalidValue && error.message.contains("in the future")
            }
            #expect(!(try contents(of: folder).contains(AllianceFiles.revocationListName)))
        }
    }

    @Test func aTamperedListIsReportedAndKept() async throws {
        try await withTemporaryFolder { folder in
            let (created, acme, globex) = try makeAlliance(in: folder)
            let revoked = try AllianceFiles.revoke(
                allianceDirectory: folder,
                memberCertificateFile: acme.certificateFile
            )
            // Another CA's list in its place: refused, never overwritten, so no revocation is lost.
            let other = folder.appendingPathComponent("other")
            let (_, otherMember, _) = try makeAlliance(in: other)
            _ = try AllianceFiles.revoke(allianceDirectory: other, memberCertificateFile: otherMember.certificateFile)
            let foreign = try String(
                contentsOf: other.appendingPathComponent(AllianceFiles.revocationListName),
                encoding: .utf8
            )
            try foreign.write(to: revoked.listFile, atomically: true, encoding: .utf8)
            #expect {
                _ = try AllianceFiles.revoke(allianceDirectory: folder, memberCertificateFile: globex.certificateFile)
            } throws: { error in
                let error = try #require(error as? HallmarkError)
                return error.code == .badSignature || error.code == .untrustedCredential
                    ? error.location == revoked.listFile.path : false
            }
            #expect(try String(contentsOf: revoked.listFile, encoding: .utf8) == foreign)

            let trust = try AllianceTrust.load(caFile: created.caCertificateFile)
            try "not a list\n".write(to: revoked.listFile, atomically: true, encoding: .utf8)
            #expect {
                _ = try AllianceFiles.loadRevocationList(in: folder, trust: trust)
            } throws: { error in
                let error = try #require(error as? HallmarkError)
                return error.code == .malformed && error.location == revoked.listFile.path
            }
        }
    }
}
