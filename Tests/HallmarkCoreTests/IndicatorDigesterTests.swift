import Crypto
import HallmarkCore
import Testing

@Suite struct IndicatorDigesterTests {
    let key = try! AllianceKey(secret: Array(0..<32))

    @Test func keyedDigestIsHMACOfPrefixKindAndNormalizedValue() throws {
        let digester = IndicatorDigester(key: key)
        for (kind, value) in [(IndicatorKind.seller, "ebay:Acme"), (.sku, "LV-M40990"), (.url, "https://E.com")] {
            let identifier = try Identifier(kind: kind, value: value)
            let expected = HMAC<SHA256>.authenticationCode(
                for: Array("hallmark/v1/\(kind.name)/\(identifier.normalized)".utf8),
                using: key.secret
            )
            #expect(digester.digest(of: identifier) == Hash256(expected))
            #expect(try digester.digest(kind: kind, value: value) == Hash256(expected))
        }
    }

    @Test func repeatedDigestsAreStable() throws {
        // The prepared HMAC state is copied, never consumed.
        let digester = IndicatorDigester(key: key)
        let identifier = try Identifier(kind: .seller, value: "acme")
        let first = digester.digest(of: identifier)
        _ = digester.digest(of: try Identifier(kind: .seller, value: "other"))
        #expect(digester.digest(of: identifier) == first)
    }

    @Test func kindsAndKeysSeparateDigests() throws {
        let digester = IndicatorDigester(key: key)
        let seller = digester.digest(of: try Identifier(kind: .seller, value: "ab12"))
        let sku = digester.digest(of: try Identifier(kind: .sku, value: "ab12"))
        #expect(seller != sku)
        let other = IndicatorDigester(key: AllianceKey.generate())
        #expect(other.digest(of: try Identifier(kind: .seller, value: "ab12")) != seller)
        #expect(other.keyID != digester.keyID)
    }

    @Test func pdqHashesAreSharedAsTheyAre() throws {
        let hex = "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789ABCDEF"
        let digester = IndicatorDigester(key: key)
        let digest = digester.digest(of: try Identifier(kind: .imagePDQ, value: hex))
        #expect(digest == (try Hash256(hex: hex)))
        #expect(IndicatorDigester(key: .generate()).digest(of: try Identifier(kind: .imagePDQ, value: hex)) == digest)
    }

    @Test func keyIDs() {
        let digester = IndicatorDigester(key: key)
        #expect(digester.keyID == key.id)
        #expect(digester.keyID(for: .seller) == key.id)
        #expect(digester.keyID(for: .url) == key.id)
        #expect(digester.keyID(for: .imagePDQ) == nil)
    }

    @Test func rawValueDigestAgreesWithIdentifierDigest() throws {
        // digest(kind:value:) normalizes ASCII seller and SKU values on the stack: it must agree with the
        // Identifier path on results and on errors.
        let digester = IndicatorDigester(key: key)
        let values = [
            "ebay:Acme Outlet", "  EBAY : Acme \t Outlet  ", "A", "a:b:c", "LV-M40990", " lv.m_40990/x\\y ", "Straße",
            "shop\u{200B}mart", "ＥＢＡＹ：ａｃｍｅ", String(repeating: "ab ", count: 341), "", "   ", "--", ":acme", "ebay:",
            "e bay:x", "ac\u{07}me", "x\u{7F}", "\u{200B}", String(repeating: "a", count: 1024),
            String(repeating: "a", count: 1025),
        ]
        for kind in [IndicatorKind.seller, .sku] {
            for value in values {
                let expected = Result { digester.digest(of: try Identifier(kind: kind, value: value)) }
                let actual = Result { try digester.digest(kind: kind, value: value) }
                switch (expected, actual) {
                case (.success(let expected), .success(let actual)):
                    #expect(actual == expected, "\(kind) '\(value)'")
                case (.failure(let expected as HallmarkError), .failure(let actual as HallmarkError)):
                    #expect(actual.code == expected.code && actual.message == expected.message, "\(kind) '\(value)'")
                default:
                    Issue.record("\(kind) '\(value)': \(expected) but \(actual)")
                }
            }
        }
    }

    @Test func normalizedBytesDigestAgreesWithIdentifierDigest() throws {
        let digester = IndicatorDigester(key: key)
        let identifiers = [
            try Identifier(kind: .seller, value: "ebay:Acme Outlet"), try Identifier(kind: .seller, value: "Händler"),
            try Identifier(kind: .sku, value: "LV-M40990"), try Identifier(kind: .url, value: "https://Example.com/a"),
            try Identifier(kind: .imagePDQ, value: String(repeating: "0F", count: 32)),
        ]
        for identifier in identifiers {
            let digest = try Array(identifier.normalized.utf8).withUnsafeBytes {
                try digester.digest(kind: identifier.kind, normalizedUTF8: $0)
            }
            #expect(digest == digester.digest(of: identifier), "\(identifier)")
        }
        let error = try #require(throws: HallmarkError.self) {
            try Array("not a hash".utf8).withUnsafeBytes { try digester.digest(kind: .imagePDQ, normalizedUTF8: $0) }
        }
        #expect(error.code == .invalidValue)
    }

    @Test func keyedDigestMatchesHMACForManyLengths() throws {
        // Messages from one SHA-256 block to several, around the 55- and 64-byte padding boundaries.
        let digester = IndicatorDigester(key: key)
        for length in 0...300 {
            let value = String((0..<length).map { Character(Unicode.Scalar(UInt8(0x61 + $0 % 26))) })
            let expected = HMAC<SHA256>.authenticationCode(
                for: Array("hallmark/v1/sku/\(value)".utf8),
                using: key.secret
            )
            let digest = Array(value.utf8).withUnsafeBytes { try? digester.digest(kind: .sku, normalizedUTF8: $0) }
            #expect(digest == Hash256(expected), "length \(length)")
            if length > 0 {
                #expect(try digester.digest(kind: .sku, value: value) == Hash256(expected), "length \(length)")
            }
        }
    }
}
