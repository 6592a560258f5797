import HallmarkCore
import Testing

/// The `seller` rules: NFKC, full case folding, NFKC, white space collapsed, optional `marketplace:` scope.
@Suite struct IdentifierSellerTests {
    func seller(_ value: String) throws -> String { try Identifier(kind: .seller, value: value).normalized }

    func sellerError(_ value: String) throws -> String {
        let error = try #require(throws: HallmarkError.self) { try Identifier(kind: .seller, value: value) }
        #expect(error.code == .invalidValue, "\(error)")
        return error.message
    }

    @Test func caseAndInternalWhiteSpace() throws {
        #expect(try seller("ACME Outlet") == "acme outlet")
        #expect(try seller("acme \t\n outlet") == "acme outlet")
        #expect(try seller("Acme\u{00A0}\u{2003}Outlet") == "acme outlet")
        #expect(try seller("Acme\u{2028}Outlet") == "acme outlet")
        #expect(try seller("Acme\u{85}Outlet") == "acme outlet")
    }

    @Test func compatibilityForms() throws {
        #expect(try seller("Ａｃｍｅ　Ｏｕｔｌｅｔ") == "acme outlet")
        #expect(try seller("ﬁne") == "fine")
        #expect(try seller("①②") == "12")
        #expect(try seller("ｶﾀｶﾅ") == "カタカナ")
        #expect(try seller("Cafe\u{0301}") == "caf\u{00E9}")
        #expect(try seller("Caf\u{00E9}") == "caf\u{00E9}")
        // Marks from a compatibility mapping are put in canonical order (U+3099 before U+0345's ι).
        #expect(try seller("x\u{0345}\u{FF9E}").unicodeScalars.map(\.value) == [0x78, 0x3099, 0x3B9])
        #expect(try seller("ㄱㅏ") == "가")
        #expect(try seller("\u{1100}\u{1161}\u{11A8}") == "각")
        #expect(try seller("가\u{11A8}") == "각")
        #expect(try seller("\u{1112}\u{1176}").unicodeScalars.count == 2)
    }

    @Test func fullCaseFoldingAsPythonCasefold() throws {
        #expect(try seller("Straße") == "strasse")
        #expect(try seller("STRASSE") == "strasse")
        #expect(try seller("ẞ") == "ss")
        #expect(try seller("ǅemal") == "d\u{17E}emal")
        #expect(try seller("ΣΟΦΊΑ") == "σοφία")
        #expect(try seller("σοφίας") == "σοφίασ")
        #expect(try seller("İ") == "i\u{0307}")
        #expect(try seller("ı") == "ı")
        #expect(try seller("\u{212A}elvin") == "kelvin")
        // Cherokee folds to its upper-case letters, unlike lowercased().
        #expect(try seller("ꮳ") == "Ꮳ")
        #expect(try seller("ᲀ") == "в")
    }

    @Test func marketplaceScope() throws {
        #expect(try seller("ebay:Acme") == "ebay:acme")
        #expect(try seller("eBay : Acme Outlet") == "ebay:acme outlet")
        #expect(try seller("ＥＢＡＹ：ａｃｍｅ") == "ebay:acme")
        #expect(try seller("amazon.de:Händler") == "amazon.de:händler")
        #expect(try seller("a-b.c:x:y") == "a-b.c:x:y")
    }

    @Test func marketplaceErrors() throws {
        #expect(try sellerError(":acme") == "seller value has an empty marketplace before ':'")
        #expect(try sellerError(" : acme") == "seller value has an empty marketplace before ':'")
        #expect(try sellerError("ebay:") == "seller value has an empty account after ':'")
        #expect(try sellerError("ebay : ") == "seller value has an empty account after ':'")
        #expect(try sellerError("e bay:x") == "seller marketplace 'e bay' may hold only a-z, 0-9, '.' and '-'")
        #expect(try sellerError("händler:x").contains("may hold only"))
    }

    @Test func controlAndUnassignedCharacters() throws {
        #expect(try sellerError("ac\u{07}me") == "seller value contains control character U+0007")
        #expect(try sellerError("ac\u{9F}me") == "seller value contains control character U+009F")
        #expect(try sellerError("ac\u{7F}me") == "seller value contains control character U+007F")
        #expect(try sellerError("shop\u{1FAE8}").contains("U+1FAE8, which is not assigned in Unicode 14.0"))
        #expect(try sellerError("x\u{FFFF}").contains("U+FFFF, which is not assigned"))
        #expect(try sellerError("x" + String(Unicode.Scalar(0xFDD0)!)).contains("U+FDD0, which is not assigned"))
    }

    @Test func asciiAndUnicodePathsAgree() throws {
        // The same text, once all-ASCII (fast path) and once with a non-ASCII space that forces the general path.
        for (ascii, unicode) in [
            ("  EBAY : Acme  Outlet ", "\u{3000}EBAY : Acme\u{00A0} Outlet "), ("A:B", "A:B\u{2009}"),
        ] {
            #expect(try seller(ascii) == seller(unicode))
        }
    }
}
