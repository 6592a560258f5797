import Foundation
import HallmarkCore
import HallmarkPKI
import Testing
import X509

@Suite struct AllianceTrustTests {
    let now = Date(timeIntervalSince1970: 1_750_000_000)

    private func expectUntrusted(
        _ trust: AllianceTrust,
        _ certificate: Certificate,
        at time: Date,
        mentioning texts: [String],
        sourceLocation: SourceLocation = #_sourceLocation
    ) async {
        await #expect(sourceLocation: sourceLocation) {
            _ = try await trust.verify(member: certificate, at: time)
        } throws: { error in
            let error = try #require(error as? HallmarkError)
            return error.code == .untrustedCredential && texts.allSatisfy { error.message.contains($0) }
        }
    }

    @Test func acceptsAMemberOfTheAlliance() async throws {
        let authority = try AllianceAuthority.create(name: "Example Alliance", now: now)
        let member = try authority.issueMember(id: MemberID("acme"), name: "Acme", hosts: ["acme.example"], now: now)
        let trust = try AllianceTrust(certificate: authority.certificate)
        #expect(try await trust.verify(member: member.certificate, at: now) == MemberID("acme"))
        #expect(trust.allianceName == "Example Alliance")
        #expect(trust.fingerprint == (try authority.certificate.sha256Fingerprint()))
    }

    @Test func acceptsAFreshMemberAtTheCurrentTime() async throws {
        let authority = try AllianceAuthority.create(name: "Example Alliance")
        let member = try authority.issueMember(id: MemberID("acme"), name: "Acme", hosts: [])
        let trust = try AllianceTrust(certificate: authority.certificate)
        #expect(try await trust.verify(member: member.certificate) == MemberID("acme"))
    }

    @Test func rejectsAMemberOfAnotherCA() async throws {
        let ours = try AllianceAuthority.create(name: "Example Alliance", now: now)
        let theirs = try AllianceAuthority.create(name: "Other Alliance", now: now)
        let stranger = try theirs.issueMember(id: MemberID("mallory"), name: "Mallory", hosts: [], now: now)
        let trust = try AllianceTrust(certificate: ours.certificate)
        await expectUntrusted(
            trust,
            stranger.certificate,
            at: now,
            mentioning: ["mallory", "not issued by the alliance CA"]
        )
    }

    @Test func rejectsAnImpostorCAWithTheSameName() async throws {
        // Same subject name, different key: only the signature tells them apart.
        let ours = try AllianceAuthority.create(name: "Example Alliance", now: now)
        let impostor = try AllianceAuthority.create(name: "Example Alliance", now: now)
        let forged = try impostor.issueMember(id: MemberID("acme"), name: "Acme", hosts: [], now: now)
        let trust = try AllianceTrust(certificate: ours.certificate)
        await expectUntrusted(
            trust,
            forged.certificate,
            at: now,
            mentioning: ["acme", "not issued by the alliance CA"]
        )
    }

    @Test func rejectsAnExpiredMember() async throws {
        let authority = try AllianceAuthority.create(name: "Example Alliance", now: now)
        let member = try authority.issueMember(
            id: MemberID("acme"),
            name: "Acme",
            hosts: [],
            validity: 86_400,
            now: now
        )
        let trust = try AllianceTrust(certificate: authority.certificate)
        #expect(try await trust.verify(member: member.certificate, at: now + 86_000) == MemberID("acme"))
        await expectUntrusted(trust, member.certificate, at: now + 86_401, mentioning: ["acme", "expired on"])
    }

    @Test func rejectsAMemberIssuedLongAgoWhenCheckedNow() async throws {
        let past = Date(timeIntervalSince1970: 1_600_000_000)
        let authority = try AllianceAuthority.create(name: "Example Alliance", now: past)
        let member = try authority.issueMember(
            id: MemberID("acme"),
            name: "Acme",
            hosts: [],
            validity: 86_400,
            now: past
        )
        let trust = try AllianceTrust(certificate: authority.certificate)
        await #expect {
            _ = try await trust.verify(member: member.certificate)
        } throws: { error in
            let error = try #require(error as? HallmarkError)
            return error.code == .untrustedCredential && error.message.contains("expired on 2020-09-14")
        }
    }

    @Test func rejectsAMemberNotYetValid() async throws {
        let authority = try AllianceAuthority.create(name: "Example Alliance", now: now - 86_400)
        let member = try authority.issueMember(id: MemberID("acme"), name: "Acme", hosts: [], now: now)
        let trust = try AllianceTrust(certificate: authority.certificate)
        await expectUntrusted(trust, member.certificate, at: now - 3_600, mentioning: ["acme", "not valid until"])
    }

    @Test func rejectsAMemberOfAnExpiredCA() async throws {
        let authority = try AllianceAuthority.create(name: "Example Alliance", validity: 86_400, now: now)
        let member = try authority.issueMember(id: MemberID("acme"), name: "Acme", hosts: [], now: now)
        let trust = try AllianceTrust(certificate: authority.certificate)
        // The member certificate is capped at the CA's expiry, so both have expired.
        await expectUntrusted(trust, member.certificate, at: now + 2 * 86_400, mentioning: ["acme", "expired"])
    }

    @Test func rejectsACertificateWithTheWrongUsage() async throws {
        let authority = try AllianceAuthority.create(name: "Example Alliance", now: now)
        let donor = try authority.issueMember(id: MemberID("acme"), name: "Acme", hosts: [], now: now)
        let trust = try AllianceTrust(certificate: authority.certificate)

        func issue(_ extensions: Certificate.Extensions) throws -> Certificate {
            try Certificate(
                version: .v3,
                serialNumber: Certificate.SerialNumber(),
                publicKey: donor.certificate.publicKey,
                notValidBefore: now - 60,
                notValidAfter: now + 86_400,
                issuer: authority.certificate.subject,
                subject: donor.certificate.subject,
                signatureAlgorithm: .ecdsaWithSHA256,
                extensions: extensions,
                issuerPrivateKey: Certificate.PrivateKey(authority.privateKey)
            )
        }
        let uri = SubjectAlternativeNames([.uniformResourceIdentifier("hallmark://member/acme")])

        let serverOnly = try issue(
            try Certificate.Extensions {
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                uri
            }
        )
        await expectUntrusted(trust, serverOnly, at: now, mentioning: ["acme", "wrong usage", "clientAuth"])

        let noEKU = try issue(
            try Certificate.Extensions {
                Critical(KeyUsage(digitalSignature: true))
                uri
            }
        )
        await expectUntrusted(trust, noEKU, at: now, mentioning: ["acme", "wrong usage", "no extended key usage"])

        let encipherOnly = try issue(
            try Certificate.Extensions {
                Critical(KeyUsage(keyEncipherment: true))
                try ExtendedKeyUsage([.serverAuth, .clientAuth])
                uri
            }
        )
        await expectUntrusted(trust, encipherOnly, at: now, mentioning: ["acme", "wrong usage", "digital signatures"])

        let subordinateCA = try issue(
            try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                try ExtendedKeyUsage([.serverAuth, .clientAuth])
                uri
            }
        )
        await expectUntrusted(trust, subordinateCA, at: now, mentioning: ["acme", "is a CA certificate"])

        let noMember = try issue(
            try Certificate.Extensions {
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth, .clientAuth])
                SubjectAlternativeNames([.dnsName("acme.example")])
            }
        )
        await expectUntrusted(trust, noMember, at: now, mentioning: ["hallmark://member/"])

        let twoMembers = try issue(
            try Certificate.Extensions {
                try ExtendedKeyUsage([.serverAuth, .clientAuth])
                SubjectAlternativeNames([
                    .uniformResourceIdentifier("hallmark://member/acme"),
                    .uniformResourceIdentifier("hallmark://member/globex"),
                ])
            }
        )
        await expectUntrusted(trust, twoMembers, at: now, mentioning: ["names 2 members"])
    }

    @Test func rejectsTheCACertificateAsAMember() async throws {
        let authority = try AllianceAuthority.create(name: "Example Alliance", now: now)
        let trust = try AllianceTrust(certificate: authority.certificate)
        await expectUntrusted(trust, authority.certificate, at: now, mentioning: ["hallmark://member/"])
    }

    @Test func onlyASelfSignedCACanBeTrusted() async throws {
        let authority = try AllianceAuthority.create(name: "Example Alliance", now: now)
        let member = try authority.issueMember(id: MemberID("acme"), name: "Acme", hosts: [], now: now)
        #expect {
            try AllianceTrust(certificate: member.certificate)
        } throws: { error in
            let error = try #require(error as? HallmarkError)
            return error.code == .untrustedCredential && error.message.contains("not a CA certificate")
        }
    }

    @Test func loadNamesTheFile() async throws {
        try await withTemporaryFolder { folder in
            _ = try AllianceFiles.initAlliance(name: "Example Alliance", outputDirectory: folder, force: false)
            let issued = try AllianceFiles.issueMember(
                allianceDirectory: folder,
                member: MemberID("acme"),
                name: "Acme",
                hosts: [],
                outputDirectory: folder,
                force: false
            )
            let trust = try AllianceTrust.load(caFile: folder.appendingPathComponent(AllianceFiles.caCertificateName))
            let credentials = try MemberCredentials.load(
                certificateFile: issued.certificateFile,
                keyFile: issued.keyFile
            )
            #expect(try await trust.verify(member: credentials.certificate) == MemberID("acme"))

            #expect {
                try AllianceTrust.load(caFile: issued.certificateFile)
            } throws: { error in
                let error = try #require(error as? HallmarkError)
                return error.code == .untrustedCredential && error.location == issued.certificateFile.path
            }
            let missing = folder.appendingPathComponent("missing.pem")
            #expect {
                try AllianceTrust.load(caFile: missing)
            } throws: { error in
                let error = try #require(error as? HallmarkError)
                return error.code == .fileProblem && error.location == missing.path
            }
        }
    }
}
