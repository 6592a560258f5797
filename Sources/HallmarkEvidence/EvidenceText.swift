import Crypto
import HallmarkCore

/// The strict text forms a bundle's values must have: lower-case hex and canonical ISO 8601 times, so that no
/// change to a value (not even of a letter's case) reads as the same value.
enum EvidenceText {
    private static let digits = Array("0123456789abcdef".utf8)

    /// Lower-case hex of `bytes`.
    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The bytes that lower-case hex `text` spells.
    /// - Throws: ``HallmarkError`` `malformed` naming `what` for an odd length or any other character.
    static func bytes(hex text: String, what: String) throws -> [UInt8] {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else {
            throw HallmarkError(.malformed, "\(what) is not hex: it has an odd number of digits (\(utf8.count))")
        }
        func nibble(_ c: UInt8, at position: Int) throws -> UInt8 {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
            default:
                throw HallmarkError(
                    .malformed,
                    "\(what) is not lower-case hex: character \(position + 1) is '\(Unicode.Scalar(c))'"
                )
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count / 2)
        for i in stride(from: 0, to: utf8.count, by: 2) {
            out.append(try nibble(utf8[i], at: i) << 4 | nibble(utf8[i + 1], at: i + 1))
        }
        return out
    }

    /// The hash that 64 lower-case hex digits spell.
    static func hash(hex text: String, what: String) throws -> Hash256 {
        let bytes = try bytes(hex: text, what: what)
        guard bytes.count == 32 else {
            throw HallmarkError(.malformed, "\(what) is not a SHA-256 hash: \(bytes.count) bytes instead of 32")
        }
        return try Hash256(bytes: bytes)
    }

    /// The time that canonical ISO 8601 `text` (`2026-11-29T04:40:30.123Z`) spells.
    static func time(_ text: String, what: String) throws -> Timestamp {
        guard let time = try? Timestamp(iso8601: text), time.iso8601 == text else {
            throw HallmarkError(
                .malformed,
                "\(what) '\(text)' is not a UTC time written as 2026-11-29T04:40:30.123Z"
            )
        }
        return time
    }

    /// SHA-256 of the UTF-8 of `text`, in hex.
    static func sha256(_ text: String) -> String {
        hex(SHA256.hash(data: Array(text.utf8)))
    }
}
