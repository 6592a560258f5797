import Foundation
import HallmarkCore
import HallmarkPKI
import Testing

/// Values from outside that used to trap (docs/CONVERSIONS.md) are refused with an error naming what is wrong.
@Suite struct PKIHostileInputTests {
    @Test func aRevocationListOfVersionIntMaxIsMalformedNotATrap() throws {
        let authority = try AllianceAuthority.create(name: "Example Alliance", now: Date() - 3600)
        let trust = try AllianceTrust(certificate: authority.certificate)
        // CertificateList { TBSCertList { version INTEGER 2^63 − 1 }, ecdsa-with-SHA256, BIT STRING }: the list's
        // version was shown as version + 1, which overflowed.
        let list: [UInt8] =
            [0x30, 0x1C]
            + [0x30, 0x0A, 0x02, 0x08, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]
            + [0x30, 0x0A, 0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x02]
            + [0x03, 0x02, 0x00, 0x00]
        #expect {
            try RevocationList(derEncoded: list, trust: trust)
        } throws: { error in
            let error = try #require(error as? HallmarkError)
            return error.code == .malformed && error.message.contains("it is version 9223372036854775808;")
        }
        // An ordinary wrong version still reads as before.
        var version1 = list
        version1.replaceSubrange(2..<14, with: [0x30, 0x03, 0x02, 0x01, 0x00])
        version1[1] = 0x15
        #expect {
            try RevocationList(derEncoded: version1, trust: trust)
        } throws: { error in
            (error as? HallmarkError)?.message.contains("it is version 1; Hallmark lists are version 2") == true
        }
    }
}
