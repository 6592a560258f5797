import HallmarkCore
import Testing

/// The `image-pdq` rule: 64 hex digits, lower-cased.
@Suite struct IdentifierPDQTests {
    @Test func hexInEitherCaseIsLowerCased() throws {
        let mixed = "0123456789ABCDEFabcdef0123456789abcdef0123456789ABCDEF0123456789"
        #expect(try Identifier(kind: .imagePDQ, value: mixed).normalized == mixed.lowercased())
        #expect(try Identifier(kind: .imagePDQ, value: " \(mixed)\n").normalized == mixed.lowercased())
    }

    @Test func errors() throws {
        let f63 = String(repeating: "f", count: 63)
        for (value, message) in [
            (f63, "image-pdq value must be 64 hex digits, got 63 characters"),
            (f63 + "ff", "image-pdq value must be 64 hex digits, got 65 characters"),
            ("g" + f63, "image-pdq value has a non-hex character 'g' at position 1"),
            ("0x" + String(f63.dropFirst()), "image-pdq value has a non-hex character 'x' at position 2"),
            (f63 + "\u{00E9}", "image-pdq value has a non-hex character '\\u{00E9}' at position 64"),
            ("", "empty image-pdq value"),
        ] {
            let error = try #require(throws: HallmarkError.self) { try Identifier(kind: .imagePDQ, value: value) }
            #expect(error.message == message)
            #expect(error.code == .invalidValue)
        }
    }
}
