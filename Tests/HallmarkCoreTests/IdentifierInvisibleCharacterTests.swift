import Testing

@testable import HallmarkCore

/// Default-ignorable (invisible) code points are removed from `seller`, `sku` and non-ASCII hosts, so that
/// stuffing a value with them cannot give it a new digest.
@Suite struct IdentifierInvisibleCharacterTests {
    func normalized(_ kind: IndicatorKind, _ value: String) throws -> String {
        try Identifier(kind: kind, value: value).normalized
    }

    func error(_ kind: IndicatorKind, _ value: String) throws -> String {
        let error = try #require(throws: HallmarkError.self) { try Identifier(kind: kind, value: value) }
        #expect(error.code == .invalidValue, "\(error)")
        return error.message
    }

    /// One of each kind of invisible character a counterfeiter might insert.
    static let invisibles: [Unicode.Scalar] = [
        "\u{00AD}", "\u{034F}", "\u{061C}", "\u{115F}", "\u{17B4}", "\u{180B}", "\u{180E}", "\u{180F}", "\u{200B}",
        "\u{200C}", "\u{200D}", "\u{200E}", "\u{200F}", "\u{202A}", "\u{202E}", "\u{2060}", "\u{2064}", "\u{2066}",
        "\u{206F}", "\u{3164}", "\u{FE00}", "\u{FE0F}", "\u{FEFF}", "\u{FFA0}", "\u{1BCA0}", "\u{1D173}", "\u{E0001}",
        "\u{E0041}", "\u{E0100}", "\u{E01EF}",
    ]

    @Test(arguments: invisibles)
    func sellerAndSKUIgnoreIt(_ invisible: Unicode.Scalar) throws {
        let mark = String(invisible)
        #expect(try normalized(.seller, "shop\(mark)mart:fake") == "shopmart:fake")
        #expect(try normalized(.seller, "\(mark)Shop\(mark)Mart\(mark)") == "shopmart")
        #expect(try normalized(.sku, "LV-\(mark)M40990") == "lvm40990")
        #expect(try normalized(.url, "https://exa\(mark)mple.com/") == "https://example.com/")
    }

    @Test func digestsAgree() throws {
        let digester = IndicatorDigester(key: try AllianceKey(secret: Array(0..<32)))
        #expect(
            try digester.digest(kind: .seller, value: "shop\u{200B}mart:fake")
                == digester.digest(kind: .seller, value: "shopmart:fake")
        )
        #expect(
            try digester.digest(kind: .sku, value: "LV\u{00AD}M40990") == digester.digest(kind: .sku, value: "LVM40990")
        )
    }

    @Test func removalHappensBeforeFolding() throws {
        // A combining grapheme joiner between a letter and its accent no longer blocks composition.
        #expect(try normalized(.seller, "cafe\u{034F}\u{0301}") == "caf\u{00E9}")
        // White space on both sides of an invisible character collapses to one space.
        #expect(try normalized(.seller, "acme \u{200B} outlet") == "acme outlet")
        #expect(try normalized(.seller, "ebay \u{2060}: acme") == "ebay:acme")
        #expect(try normalized(.url, "https://b\u{00FC}\u{200D}cher.de/") == "https://xn--bcher-kva.de/")
    }

    @Test func nothingButInvisibleCharactersIsAnError() throws {
        #expect(
            try error(.seller, "\u{200B}")
                == "seller value is empty once invisible (default-ignorable) characters are removed"
        )
        #expect(try error(.seller, "\u{200B} \u{FEFF}").contains("empty once invisible"))
        #expect(
            try error(.sku, "\u{00AD}\u{00AD}")
                == "sku value is empty once invisible (default-ignorable) characters are removed"
        )
        #expect(try error(.url, "https://\u{200B}/") == "malformed url: missing host")
        #expect(try error(.url, "https://a.\u{200B}.com/").contains("empty label"))
    }

    @Test func unassignedIgnorablesAreRejectedNotRemoved() throws {
        #expect(try error(.seller, "acme\u{2065}").contains("U+2065, which is not assigned in Unicode 14.0"))
        #expect(try error(.sku, "x\u{E0002}").contains("U+E0002, which is not assigned"))
    }

    @Test func urlPathsAndQueriesKeepThem() throws {
        // Only hosts are folded: a path is percent-encoded byte for byte.
        #expect(try normalized(.url, "https://example.com/a\u{200B}b") == "https://example.com/a%E2%80%8Bb")
    }

    @Test func tableMatchesTheRuntimePropertyOnTheUnicode14Repertoire() {
        // The runtime's tables are newer than 14.0; on code points assigned by 14.0 the property has not changed.
        var checked = 0
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value), let age = scalar.properties.age,
                (age.major, age.minor) <= (14, 0), scalar.properties.generalCategory != .unassigned
            else { continue }
            checked += 1
            #expect(
                IndicatorText.isDefaultIgnorable(value) == scalar.properties.isDefaultIgnorableCodePoint,
                "\(IndicatorText.codePoint(value))"
            )
        }
        #expect(checked > 140_000)
    }
}
