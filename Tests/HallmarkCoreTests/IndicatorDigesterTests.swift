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
}
