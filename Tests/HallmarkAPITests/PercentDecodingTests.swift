import Foundation
import Testing

@testable import HallmarkAPI

@Suite("Percent-decoding of path parameters")
struct PercentDecodingTests {
    /// Inputs and their decoding (RFC 3986 §2.1; the bytes must be UTF-8): escapes of every kind, `+`, multi-byte
    /// UTF-8, and what is refused (a lone `%`, a non-hex digit, a cut escape, bytes that are not UTF-8).
    static let cases: [(String, String?)] = [
        ("", ""), ("plain", "plain"), ("shop:Fake Bags", "shop:Fake Bags"), ("a+b", "a+b"), ("%41", "A"),
        ("%7e%7E", "~~"), ("https%3A%2F%2Fshop.example%2Fitem%3Fid%3D7", "https://shop.example/item?id=7"),
        ("caf%C3%A9", "café"), ("%E2%82%AC100", "€100"), ("%F0%9F%91%9C bag", "👜 bag"), ("100%25", "100%"),
        ("%00end", "\u{0}end"), ("ü-raw", "ü-raw"), ("%", nil), ("%4", nil), ("%G1", nil), ("abc%", nil),
        ("%%41", nil), ("%C3", nil), ("%FF", nil), ("%C0%AF", nil), ("%e2%82", nil), ("da461%A9", nil),
    ]

    @Test("decodes escapes, refuses what is not percent-encoded UTF-8", arguments: cases)
    func decodes(text: String, expected: String?) {
        #expect(PercentDecoding.decode(text) == expected)
    }

    /// Foundation's `removingPercentEncoding` on Linux answers the same, except that it sometimes turns bytes that
    /// are not UTF-8 into U+FFFD where this decoder refuses them (the API answers 400 then rather than check a
    /// value nobody sent).
    @Test("agrees with Foundation on random strings, refusing what Foundation would replace with U+FFFD")
    func randomAgreement() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("%0123456789abcdefABCDEFG+/ é".unicodeScalars)
        for _ in 0..<2_000 {
            let length = Int.random(in: 0...12, using: &generator)
            var text = ""
            for _ in 0..<length { text.unicodeScalars.append(alphabet.randomElement(using: &generator)!) }
            let foundation = text.removingPercentEncoding
            if let foundation, foundation.unicodeScalars.contains("\u{FFFD}") {
                #expect(PercentDecoding.decode(text) == nil, "\(text)")
            } else {
                #expect(PercentDecoding.decode(text) == foundation, "\(text)")
            }
        }
    }
}
