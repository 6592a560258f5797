import Foundation
import HallmarkCore
import HallmarkPKI
import Testing
import X509

@Suite struct RevocationListTests {
    let now = Date(timeIntervalSince1970: 1_750_000_000)

    /// An alliance CA, made an hour before `now`, with members `acme` and `globex`.
    private func makeAlliance() throws -> (AllianceAuthority, acme: MemberCredentials, globex: MemberCredentials) {
        let authority = try AllianceAuthority.create(name: "Example Alliance", now: now - 3600)
        let acme = try authority.issueMember(id: MemberID("acme"), name: "Acme", hosts: [], now: now - 3600)
        let globex = try authority.issueMember(id: MemberID("globex"), name: "Globex", hosts: [], now: now - 3600)
        return (authority, acme, globex)
    }

    private func expectError(
        _ code: HallmarkError.Code,
        mentioning texts: [String] = [],
        sourceLocation: SourceLocation = #_sourceLocation,
        _ body: () throws -> Void
    ) {
        #expect(sourceLocation: sourceLocation) {
            try body()
        } throws: { error in
            let error = try #require(error as? HallmarkError)
            return error.code == code && texts.allSatisfy { error.message.contains($0) }
        }
    }

    @Test func aSignedListReadsBackWithEveryField() throws {
        let (authority, acme, globex) = try makeAlliance()
        let compromised = try Revocation(certificate: acme.certificate, time: now - 600, reason: .keyCompromise)
        let left = Revocation(
            memberID: globex.memberID,
            serialNumber: globex.certificate.serialNumber,
            time: now - 1200.75,
            reason: .unspecified
        )
        let list = try RevocationList(
            number: 7,
            revocations: [compromised, left],
            signedBy: authority,
            issued: now + 0.5,
            validity: 86_400
        )
        let trust = try AllianceTrust(certificate: authority.certificate)
        let read = try RevocationList(pemEncoded: list.pemString, trust: trust)

        #expect(list.pemString.hasPrefix("-----BEGIN X509 CRL-----\n"))
        #expect(list.pemString.hasSuffix("-----END X509 CRL-----\n"))
        #expect(read.derBytes == list.derBytes)
        #expect(read.number == 7)
        #expect(read.issued == now)  // whole seconds
        #expect(read.nextUpdate == now + 86_400)
        #expect(read.issuer == authority.certificate.subject)
        #expect(read.caFingerprint == trust.fingerprint)
        // Written by revocation time, earliest first; times in whole seconds.
        #expect(read.revocations.map(\.memberID.rawValue) == ["globex", "acme"])
        #expect(read.revocations == [left, compromised])
        #expect(read.revocations[0].time == now - 1201)
        #expect(read.revocations[0].certificateFingerprint == nil)
        #expect(read.revocations[0].reason == .unspecified)
        #expect(read.revocations[1].certificateFingerprint == (try acme.certificate.sha256Fingerprint()))
        #expect(read.revocations[1].reason == .keyCompromise)
        #expect(read.revocations(of: acme.memberID) == [compromised])
        #expect(read.isOutdated(at: now + 86_400) == false)
        #expect(read.isOutdated(at: now + 86_401))
    }

    @Test func anEmptyListIsValid() throws {
        let (authority, acme, _) = try makeAlliance()
        let list = try RevocationList(number: 1, revocations: [], signedBy: authority, issued: now)
        let read = try RevocationList(
            derEncoded: list.derBytes,
            trust: AllianceTrust(certificate: authority.certificate)
        )
        #expect(read.revocations.isEmpty)
        #expect(read.number == 1)
        #expect(read.nextUpdate == now + RevocationList.defaultValidity)
        #expect(!read.isRevoked(acme.certificate, at: now))
    }

    @Test func aCertificateIsRevokedFromItsRevocationTimeOn() throws {
        let (authority, acme, globex) = try makeAlliance()
        let revokedAt = now - 600
        let list = try RevocationList(
            number: 1,
            revocations: [try Revocation(certificate: acme.certificate, time: revokedAt, reason: .privilegeWithdrawn)],
            signedBy: authority,
            issued: now
        )
        #expect(!list.isRevoked(acme.certificate, at: revokedAt - 1))
        #expect(list.isRevoked(acme.certificate, at: revokedAt))
        #expect(list.isRevoked(acme.certificate, at: revokedAt + 1))
        #expect(list.isRevoked(acme.certificate, at: now + 365 * 86_400))
        #expect(list.revocation(of: acme.certificate)?.reason == .privilegeWithdrawn)
        #expect(list.revocation(of: globex.certificate) == nil)
        #expect(!list.isRevoked(globex.certificate, at: now))

        // Revocation is of a certificate: the same member's new certificate is not caught.
        let renewed = try authority.issueMember(id: acme.memberID, name: "Acme", hosts: [], now: now)
        #expect(list.revocation(of: renewed.certificate) == nil)
        #expect(!list.isRevoked(renewed.certificate, at: now))
    }

    @Test func addingBumpsTheNumberAndRefusesARevokedCertificateUnlessReplacing() throws {
        let (authority, acme, globex) = try makeAlliance()
        let first = try RevocationList(number: 1, revocations: [], signedBy: authority, issued: now - 60)
        let second = try first.adding(
            try Revocation(certificate: acme.certificate, time: now - 120, reason: .superseded),
            signedBy: authority,
            issued: now - 30
        )
        #expect(second.number == 2)
        #expect(first.revocations.isEmpty)  // unchanged
        let third = try second.adding(
            try Revocation(certificate: globex.certificate, time: now - 10, reason: .cessationOfOperation),
            signedBy: authority,
            issued: now
        )
        #expect(third.number == 3)
        #expect(third.revocations.map(\.memberID.rawValue) == ["acme", "globex"])

        let again = try Revocation(certificate: acme.certificate, time: now - 5000, reason: .keyCompromise)
        expectError(.notPermitted, mentioning: ["acme", acme.certificate.serialNumber.hexText, "already revoked"]) {
            _ = try third.adding(again, signedBy: authority, issued: now)
        }
        let replaced = try third.adding(again, replacing: true, signedBy: authority, issued: now)
        #expect(replaced.number == 4)
        #expect(replaced.revocations.count == 2)
        #expect(replaced.revocation(of: acme.certificate) == again)
        #expect(replaced.isRevoked(acme.certificate, at: now - 5000))

        let stranger = try AllianceAuthority.create(name: "Example Alliance", now: now - 3600)
        expectError(.untrustedCredential, mentioning: ["another alliance CA"]) {
            _ = try third.adding(again, replacing: true, signedBy: stranger, issued: now)
        }
    }

    @Test func signingRefusesFutureRevocationsDuplicatesAndNoValidity() throws {
        let (authority, acme, _) = try makeAlliance()
        let future = try Revocation(certificate: acme.certificate, time: now + 1, reason: .superseded)
        expectError(.invalidValue, mentioning: ["future"]) {
            _ = try RevocationList(number: 1, revocations: [future], signedBy: authority, issued: now)
        }
        let past = try Revocation(certificate: acme.certificate, time: now - 1, reason: .superseded)
        expectError(.invalidValue, mentioning: ["twice"]) {
            _ = try RevocationList(number: 1, revocations: [past, past], signedBy: authority, issued: now)
        }
        expectError(.invalidValue, mentioning: ["validity"]) {
            _ = try RevocationList(number: 1, revocations: [past], signedBy: authority, issued: now, validity: 0)
        }
    }

    @Test func timesFrom2050OnRoundTrip() throws {
        // RFC 5280 switches from UTCTime to GeneralizedTime in 2050.
        let later = Date(timeIntervalSince1970: 2_600_000_000)  // 2052
        let authority = try AllianceAuthority.create(name: "Example Alliance", validity: 40 * 365 * 86_400, now: now)
        let acme = try authority.issueMember(id: MemberID("acme"), name: "Acme", hosts: [], now: now)
        let revocation = try Revocation(certificate: acme.certificate, time: later - 86_400, reason: .keyCompromise)
        let list = try RevocationList(number: 1, revocations: [revocation], signedBy: authority, issued: later)
        let read = try RevocationList(
            derEncoded: list.derBytes,
            trust: AllianceTrust(certificate: authority.certificate)
        )
        #expect(read.issued == later)
        #expect(read.revocations == [revocation])
        #expect(!read.isRevoked(acme.certificate, at: later - 86_401))
        #expect(read.isRevoked(acme.certificate, at: later - 86_400))
    }

    @Test func everyFlippedBitIsRejected() throws {
        let (authority, acme, _) = try makeAlliance()
        let list = try RevocationList(
            number: 3,
            revocations: [try Revocation(certificate: acme.certificate, time: now - 600, reason: .keyCompromise)],
            signedBy: authority,
            issued: now
        )
        let trust = try AllianceTrust(certificate: authority.certificate)
        for index in list.derBytes.indices {
            for bit in [0, 7] {
                var tampered = list.derBytes
                tampered[index] ^= 1 << bit
                #expect("byte \(index) bit \(bit)") {
                    _ = try RevocationList(derEncoded: tampered, trust: trust)
                } throws: { error in
                    let code = (error as? HallmarkError)?.code
                    return [.malformed, .badSignature, .untrustedCredential].contains(code)
                }
            }
        }
    }

    @Test func anAlteredEntryFailsTheSignature() throws {
        let (authority, acme, _) = try makeAlliance()
        let list = try RevocationList(
            number: 3,
            revocations: [try Revocation(certificate: acme.certificate, time: now - 600, reason: .keyCompromise)],
            signedBy: authority,
            issued: now
        )
        // Renaming the member keeps the list well-formed; only the signature can tell.
        let name = Array("acme".utf8)
        let start = try #require(
            list.derBytes.indices.first { list.derBytes[$0..<min($0 + 4, list.derBytes.count)].elementsEqual(name) }
        )
        var tampered = list.derBytes
        tampered.replaceSubrange(start..<start + 4, with: Array("acne".utf8))
        expectError(.badSignature, mentioning: ["altered"]) {
            _ = try RevocationList(derEncoded: tampered, trust: AllianceTrust(certificate: authority.certificate))
        }
    }

    @Test func aListOfAnotherCAIsRejected() throws {
        let (authority, acme, _) = try makeAlliance()
        let trust = try AllianceTrust(certificate: authority.certificate)
        let revocation = try Revocation(certificate: acme.certificate, time: now - 600, reason: .keyCompromise)

        let other = try AllianceAuthority.create(name: "Other Alliance", now: now - 3600)
        let theirs = try RevocationList(number: 1, revocations: [revocation], signedBy: other, issued: now)
        expectError(.untrustedCredential, mentioning: ["Other Alliance", "not by the alliance CA"]) {
            _ = try RevocationList(derEncoded: theirs.derBytes, trust: trust)
        }

        // Same name, another key: the list's authority key identifier gives it away.
        let impostor = try AllianceAuthority.create(name: "Example Alliance", now: now - 3600)
        let forged = try RevocationList(number: 9, revocations: [], signedBy: impostor, issued: now)
        expectError(.untrustedCredential, mentioning: ["signing key"]) {
            _ = try RevocationList(derEncoded: forged.derBytes, trust: trust)
        }
    }

    @Test func textThatIsNotAListIsMalformed() throws {
        let (authority, acme, _) = try makeAlliance()
        let trust = try AllianceTrust(certificate: authority.certificate)
        expectError(.malformed, mentioning: ["BEGIN X509 CRL"]) {
            _ = try RevocationList(pemEncoded: "hello\n", trust: trust)
        }
        expectError(.malformed, mentioning: ["CERTIFICATE", "not a revocation list"]) {
            _ = try RevocationList(pemEncoded: try acme.certificatePEM(), trust: trust)
        }
        let list = try RevocationList(number: 1, revocations: [], signedBy: authority, issued: now)
        expectError(.malformed, mentioning: ["2 PEM blocks"]) {
            _ = try RevocationList(pemEncoded: list.pemString + list.pemString, trust: trust)
        }
        expectError(.malformed, mentioning: ["revocation list"]) {
            _ = try RevocationList(derEncoded: Array(list.derBytes.dropLast()), trust: trust)
        }
        // A certificate is DER too, but not a list.
        let body = try acme.certificatePEM().split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        let certificateDER = try #require(Data(base64Encoded: body))
        expectError(.malformed) {
            _ = try RevocationList(derEncoded: Array(certificateDER), trust: trust)
        }
    }

    @Test func trustRefusesARevokedMemberFromTheRevocationTimeOn() async throws {
        let (authority, acme, globex) = try makeAlliance()
        let trust = try AllianceTrust(certificate: authority.certificate)
        let revokedAt = now - 600
        let list = try RevocationList(
            number: 5,
            revocations: [try Revocation(certificate: acme.certificate, time: revokedAt, reason: .keyCompromise)],
            signedBy: authority,
            issued: now
        )
        // A checkpoint signed before the revocation still verifies; the entry marks it.
        #expect(try await trust.verify(member: acme.certificate, at: revokedAt - 1, revocations: list) == acme.memberID)
        #expect(list.revocation(of: acme.certificate)?.time == revokedAt)
        await #expect {
            _ = try await trust.verify(member: acme.certificate, at: revokedAt, revocations: list)
        } throws: { error in
            let error = try #require(error as? HallmarkError)
            return error.code == .untrustedCredential && error.message.contains("acme")
                && error.message.contains("revoked") && error.message.contains("keyCompromise")
                && error.message.contains("revocation list 5")
        }
        #expect(try await trust.verify(member: globex.certificate, at: now, revocations: list) == globex.memberID)
        #expect(try await trust.verify(member: acme.certificate, at: now, revocations: nil) == acme.memberID)

        // A list checked against another CA does not apply to this one.
        let other = try AllianceAuthority.create(name: "Other Alliance", now: now - 3600)
        let theirs = try RevocationList(number: 1, revocations: [], signedBy: other, issued: now)
        await #expect {
            _ = try await trust.verify(member: globex.certificate, at: now, revocations: theirs)
        } throws: { error in
            (error as? HallmarkError)?.code == .untrustedCredential
        }
    }

    @Test func serialNumbersReadBackFromHex() throws {
        let (_, acme, _) = try makeAlliance()
        let serial = acme.certificate.serialNumber
        #expect(try Certificate.SerialNumber(hexText: serial.hexText) == serial)
        #expect(try Certificate.SerialNumber(hexText: serial.hexText.replacingOccurrences(of: ":", with: "")) == serial)
        #expect(try Certificate.SerialNumber(hexText: "0A:1b") == Certificate.SerialNumber(bytes: [0x0a, 0x1b]))
        #expect(try Certificate.SerialNumber(hexText: "abc") == Certificate.SerialNumber(bytes: [0x0a, 0xbc]))
        #expect(Certificate.SerialNumber(bytes: [0x80]).hexText == "80")
        #expect(try Revocation.serialNumber(hexText: "00:80") == Certificate.SerialNumber(bytes: [0x80]))
        #expect(try Certificate.SerialNumber(hexText: "00" + String(repeating: "ab", count: 20)).bytes.count == 20)
        for bad in ["", "xyz", "00", String(repeating: "ab", count: 21)] {
            expectError(.invalidValue, mentioning: ["serial number"]) {
                _ = try Certificate.SerialNumber(hexText: bad)
            }
        }
    }

    @Test func reasonsByNameAndCode() throws {
        #expect(try RevocationReason(name: "keyCompromise") == .keyCompromise)
        #expect(try RevocationReason(name: " KEYCOMPROMISE ") == .keyCompromise)
        #expect(try RevocationReason(name: "privilegeWithdrawn").code == 9)
        expectError(.invalidValue, mentioning: ["certificateHold", "keyCompromise, affiliationChanged"]) {
            _ = try RevocationReason(name: "certificateHold")
        }
        #expect(try RevocationReason(code: 6) == .certificateHold)
        #expect(RevocationReason.supported.map(\.code) == [0, 1, 3, 4, 5, 9])
        for code in [-1, 7, 8, 11] {
            expectError(.malformed) { _ = try RevocationReason(code: code) }
        }
    }
}
