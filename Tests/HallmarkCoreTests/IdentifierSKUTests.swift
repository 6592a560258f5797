import HallmarkCore
import Testing

/// The `sku` rules: the `seller` folding, then white space and separators removed.
@Suite struct IdentifierSKUTests {
    func sku(_ value: String) throws -> String { try Identifier(kind: .sku, value: value).normalized }

    @Test func separatorsAndCaseDoNotMatter() throws {
        let spellings = [
            "LV-M40990", "lv m40990", " LV.M.40990 ", "lv_m40990", "LV/M40990", "LV\\M40990", "LV\u{2010}M40990",
            "LV\u{2013}M40990", "LV\u{2014}M40990", "ＬＶ－Ｍ４０９９０", "lv\u{00A0}m40990", "L V - M 4 0 9 9 0", "lv\tm40990",
        ]
        for spelling in spellings { #expect(try sku(spelling) == "lvm40990", "\(spelling)") }
    }

    @Test func otherPunctuationIsKept() throws {
        #expect(try sku("AB#12") == "ab#12")
        #expect(try sku("sku:123") == "sku:123")
        #expect(try sku("A+B") == "a+b")
    }

    @Test func foldingAsSeller() throws {
        #expect(try sku("M-40990-Straße") == "m40990strasse")
        #expect(try sku("Ⅻ-7") == "xii7")
        #expect(try sku("\u{00C1}-1") == sku("A\u{0301}-1"))
        #expect(try sku("x\u{2E3A}y") == "xy")
        #expect(try sku("x\u{30A0}y") == "xy")
    }

    @Test func errors() throws {
        for (value, message) in [
            ("", "empty sku value"),
            (" \t ", "empty sku value"),
            (" - . _ / \\ ", "sku value is empty once white space and separators are removed"),
            ("\u{2010}\u{FE58}", "sku value is empty once white space and separators are removed"),
            ("AB\u{1B}C", "sku value contains control character U+001B"),
            ("AB\u{1B}C\u{00E9}", "sku value contains control character U+001B"),
        ] {
            let error = try #require(throws: HallmarkError.self) { try Identifier(kind: .sku, value: value) }
            #expect(error.code == .invalidValue)
            #expect(error.message == message)
        }
    }
}
