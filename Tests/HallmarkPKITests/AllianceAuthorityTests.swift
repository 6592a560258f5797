import Foundation
import HallmarkCore
import HallmarkPKI
import Testing
import X509

@Suite struct AllianceAuthorityTests {
    /// A whole second, so that certificate times (which have one-second resolution) compare exactly.
    let now = Date(timeIntervalSince1970: 1_750_000_000)

    @Test func createMakesASelfSignedCACertificate() throws {
        let authority = try AllianceAuthority.create(name: "Example Alliance", now: now)
        let certificate = authority.certificate

        #expect(certificate.subjectCommonName == "Example Alliance")
        #expect(certificate.subjectOrganizationName == "Example Alliance")
        #expect(authority.name == "Example Alliance")
        #expect(certificate.issuer == certificate.subject)
        #expect(certificate.publicKey.isValidSignature(certificate.signature, for: certificate))
        #expect(certificate.signatureAlgorithm == .ecdsaWithSHA256)
        #expect(certificate.notValidBefore == now - AllianceAuthority.clockSkewAllowance)
        #expect(certificate.notValidAfter == now + AllianceAuthority.defaultValidity)

        let extensions = certificate.extensions
        #expect(extensions.count == 3)
        #expect(try extensions.basicConstraints == .isCertificateAuthority(maxPathLength: 0))
        #expect(extensions[oid: .X509ExtensionID.basicConstraints]?.critical == true)
        #expect(try extensions.keyUsage == KeyUsage(keyCertSign: true, cRLSign: true))
        #expect(extensions[oid: .X509ExtensionID.keyUsage]?.critical == true)
        let ski = try #require(try extensions.subjectKeyIdentifier)
        #expect(ski == SubjectKeyIdentifier(hash: certificate.publicKey))
    }

    @Test func serialNumbersAreRandom() throws {
        let a = try AllianceAuthority.create(name: "A")
        let b = try AllianceAuthority.create(name: "A")
        #expect(a.certificate.serialNumber != b.certificate.serialNumber)
        let memberA = try a.issueMember(id: MemberID("acme"), name: "Acme", hosts: [])
        let memberB = try a.issueMember(id: MemberID("acme"), name: "Acme", hosts: [])
        #expect(memberA.certificate.serialNumber != memberB.certificate.serialNumber)
    }

    @Test func memberCertificateHasExactlyTheRequestedExtensions() throws {
        let authority = try AllianceAuthority.create(name: "Example Alliance", now: now)
        let credentials = try authority.issueMember(
            id: MemberID("acme-brands"),
            name: "Acme Brands",
            hosts: ["Node.Example.org", "127.0.0.1", "::1", "[2001:db8::7]"],
            now: now
        )
        let certificate = credentials.certificate

        #expect(credentials.memberID == (try MemberID("acme-brands")))
        #expect(credentials.name == "Acme Brands")
        #expect(certificate.subjectCommonName == "Acme Brands")
        #expect(certificate.subjectOrganizationName == "Example Alliance")
        #expect(certificate.issuer == authority.certificate.subject)
        #expect(authority.certificate.publicKey.isValidSignature(certificate.signature, for: certificate))
        #expect(certificate.notValidBefore == now - AllianceAuthority.clockSkewAllowance)
        #expect(certificate.notValidAfter == now + AllianceAuthority.defaultMemberValidity)

        let extensions = certificate.extensions
        #expect(extensions.count == 4)
        #expect(try extensions.keyUsage == KeyUsage(digitalSignature: true))
        #expect(extensions[oid: .X509ExtensionID.keyUsage]?.critical == true)
        #expect(try extensions.extendedKeyUsage == ExtendedKeyUsage([.serverAuth, .clientAuth]))
        #expect(extensions[oid: .X509ExtensionID.extendedKeyUsage]?.critical == false)
        #expect(try extensions.basicConstraints == nil)
        #expect(try extensions.subjectKeyIdentifier == nil)

        let names = try #require(try extensions.subjectAlternativeNames).map(\.description)
        #expect(
            names == [
                #"DNSName("node.example.org")"#,
                "IPAddress([127, 0, 0, 1])",
                "IPAddress([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1])",
                "IPAddress([32, 1, 13, 184, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7])",
                #"URI("hallmark://member/acme-brands")"#,
            ]
        )
        #expect(extensions[oid: .X509ExtensionID.subjectAlternativeName]?.critical == false)

        let aki = try #require(try extensions.authorityKeyIdentifier)
        let caSKI = try #require(try authority.certificate.extensions.subjectKeyIdentifier)
        #expect(aki.keyIdentifier == caSKI.keyIdentifier)
        #expect(aki.authorityCertIssuer == nil)
        #expect(aki.authorityCertSerialNumber == nil)
    }

    @Test func memberWithoutHostsHasOnlyItsURI() throws {
        let authority = try AllianceAuthority.create(name: "Example Alliance")
        let credentials = try authority.issueMember(id: MemberID("client-only"), name: "Client", hosts: [])
        let names = try #require(try credentials.certificate.extensions.subjectAlternativeNames)
        #expect(names.map(\.description) == [#"URI("hallmark://member/client-only")"#])
    }

    @Test func duplicateHostsAppearOnce() throws {
        let authority = try AllianceAuthority.create(name: "Example Alliance")
        let credentials = try authority.issueMember(
            id: MemberID("acme"),
            name: "Acme",
            hosts: ["node.example.org", "NODE.example.org.", "127.0.0.1", "127.0.0.1"]
        )
        let names = try #require(try credentials.certificate.extensions.subjectAlternativeNames)
        #expect(names.count == 3)
    }

    @Test func memberValidityIsCappedAtTheCAExpiry() throws {
        let authority = try AllianceAuthority.create(name: "Short-lived", validity: 86_400, now: now)
        let credentials = try authority.issueMember(id: MemberID("acme"), name: "Acme", hosts: [], now: now)
        #expect(credentials.certificate.notValidAfter == authority.certificate.notValidAfter)
    }

    @Test func expiredCAIssuesNothing() throws {
        let authority = try AllianceAuthority.create(name: "Old", validity: 86_400, now: now)
        #expect {
            try authority.issueMember(id: MemberID("acme"), name: "Acme", hosts: [], now: now + 2 * 86_400)
        } throws: { error in
            let error = try #require(error as? HallmarkError)
            return error.code == .untrustedCredential && error.message.contains("expired")
        }
    }

    @Test(arguments: ["", "bad host", "-leading.example", "under_score.example", "a..b", "fe80::1%eth0"])
    func invalidHostsAreRejected(host: String) throws {
        let authority = try AllianceAuthority.create(name: "Example Alliance")
        #expect {
            try authority.issueMember(id: MemberID("acme"), name: "Acme", hosts: [host])
        } throws: { error in
            let error = try #require(error as? HallmarkError)
            return error.code == .invalidValue && error.message.contains("neither an IP address nor a valid DNS name")
        }
    }

    @Test func wildcardHostIsADNSName() throws {
        let authority = try AllianceAuthority.create(name: "Example Alliance")
        let credentials = try authority.issueMember(id: MemberID("acme"), name: "Acme", hosts: ["*.nodes.example"])
        let names = try #require(try credentials.certificate.extensions.subjectAlternativeNames)
        #expect(names.first?.description == #"DNSName("*.nodes.example")"#)
    }

    @Test func badNamesAndValiditiesAreRejected() throws {
        func isInvalidValue(_ error: any Error) -> Bool { (error as? HallmarkError)?.code == .invalidValue }
        #expect(performing: { try AllianceAuthority.create(name: "  ") }, throws: isInvalidValue)
        #expect(
            performing: { try AllianceAuthority.create(name: String(repeating: "x", count: 65)) },
            throws: isInvalidValue
        )
        #expect(performing: { try AllianceAuthority.create(name: "line\nbreak") }, throws: isInvalidValue)
        #expect(performing: { try AllianceAuthority.create(name: "A", validity: 0) }, throws: isInvalidValue)
        let authority = try AllianceAuthority.create(name: "A")
        #expect(
            performing: { try authority.issueMember(id: MemberID("acme"), name: "", hosts: []) },
            throws: isInvalidValue
        )
        #expect(
            performing: { try authority.issueMember(id: MemberID("acme"), name: "Acme", hosts: [], validity: -1) },
            throws: isInvalidValue
        )
    }

    @Test func keyMustMatchTheCACertificate() throws {
        let authority = try AllianceAuthority.create(name: "A")
        let other = try AllianceAuthority.create(name: "A")
        #expect {
            try AllianceAuthority(certificate: authority.certificate, privateKey: other.privateKey)
        } throws: { error in
            (error as? HallmarkError)?.code == .untrustedCredential
        }
        let member = try authority.issueMember(id: MemberID("acme"), name: "Acme", hosts: [])
        #expect {
            try AllianceAuthority(certificate: member.certificate, privateKey: member.privateKey)
        } throws: { error in
            let error = try #require(error as? HallmarkError)
            return error.code == .untrustedCredential && error.message.contains("not a CA certificate")
        }
    }
}
