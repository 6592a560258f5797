import HallmarkCore
import Testing

/// Rules shared by every kind: the size limit, UTF-8, unknown kinds, surrounding white space.
@Suite struct IdentifierTests {
    @Test(arguments: IndicatorKind.known)
    func valuesOfMoreThan1024BytesAreRejectedBeforeTrimming(kind: IndicatorKind) throws {
        let error = try #require(throws: HallmarkError.self) {
            try Identifier(kind: kind, value: String(repeating: " ", count: 1025))
        }
        #expect(error.code == .invalidValue)
        #expect(error.message == "\(kind.name) value is 1025 bytes, the limit is 1024")
    }

    @Test func exactly1024BytesAreAccepted() throws {
        let value = String(repeating: "a", count: 1024)
        #expect(try Identifier(kind: .seller, value: value).normalized == value)
        #expect(try Identifier(kind: .sku, utf8: Array(value.utf8)).normalized == value)
        // Two-byte characters: 512 fit, 513 do not.
        #expect(try Identifier(kind: .seller, value: String(repeating: "é", count: 512)).normalized.count == 512)
        let tooLong = try #require(throws: HallmarkError.self) {
            try Identifier(kind: .seller, value: String(repeating: "é", count: 513))
        }
        #expect(tooLong.code == .invalidValue)
        #expect(tooLong.message == "seller value is 1026 bytes, the limit is 1024")
    }

    @Test func invalidUTF8IsRejected() throws {
        for bytes: [UInt8] in [[0x61, 0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xE2, 0x82]] {
            let error = try #require(throws: HallmarkError.self) { try Identifier(kind: .seller, utf8: bytes) }
            #expect(error.message == "seller value is not valid UTF-8")
            #expect(error.code == .invalidValue)
        }
        #expect(try Identifier(kind: .seller, utf8: Array("Zoë".utf8)).normalized == "zoë")
    }

    @Test func unknownKindsAreRejectedWithTheirOwnCode() throws {
        let kind = try IndicatorKind(wireName: "phone")
        for attempt in [{ try Identifier(kind: kind, value: "123") }, { try Identifier(kind: kind, utf8: [0x31]) }] {
            let error = try #require(throws: HallmarkError.self) { _ = try attempt() }
            #expect(error.code == .unknownKind)
            #expect(error.message.contains("'phone'"))
        }
    }

    @Test(arguments: IndicatorKind.known)
    func emptyAndBlankValuesAreRejected(kind: IndicatorKind) throws {
        for value in ["", " ", "\t\r\n", "\u{3000}\u{00A0}\u{2028}"] {
            let error = try #require(throws: HallmarkError.self) { try Identifier(kind: kind, value: value) }
            #expect(error.code == .invalidValue)
            #expect(error.message == "empty \(kind.name) value")
        }
    }

    @Test func surroundingWhiteSpaceNeverMatters() throws {
        let pdq = String(repeating: "ab", count: 32)
        let samples: [(IndicatorKind, String)] = [
            (.seller, "acme"), (.sku, "AB-1"), (.url, "https://example.com/a"), (.imagePDQ, pdq),
        ]
        for (kind, value) in samples {
            let plain = try Identifier(kind: kind, value: value)
            for padded in [" \(value) ", "\t\(value)\n", "\u{3000}\(value)\u{00A0}\u{2029}", "\u{85}\(value)\r\n"] {
                #expect(try Identifier(kind: kind, value: padded) == plain)
            }
        }
    }

    @Test func identifiersOfDifferentKindsAreDistinct() throws {
        let seller = try Identifier(kind: .seller, value: "ab12")
        let sku = try Identifier(kind: .sku, value: "ab12")
        #expect(seller.normalized == sku.normalized)
        #expect(seller != sku)
        #expect(Set([seller, sku, try Identifier(kind: .seller, value: "AB12")]).count == 2)
    }
}
