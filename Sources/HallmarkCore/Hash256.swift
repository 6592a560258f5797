import Crypto
import Foundation

/// A 256-bit value: a SHA-256 or HMAC-SHA256 output, a Merkle tree hash, or a PDQ image hash.
///
/// Held as four big-endian 64-bit words so that hashing, comparison and the Bloom filter's
/// lookups never allocate.
public struct Hash256: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The 32 bytes as four big-endian words: `w0` holds bytes 0–7.
    public var w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64

    /// The all-zero value.
    public static let zero = Hash256(w0: 0, w1: 0, w2: 0, w3: 0)

    /// Creates a value from its four big-endian words.
    public init(w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64) {
        (self.w0, self.w1, self.w2, self.w3) = (w0, w1, w2, w3)
    }

    /// Creates a value from exactly 32 bytes.
    /// - Throws: ``HallmarkError`` with code `malformed` when the count is not 32.
    public init<Bytes: Collection<UInt8>>(bytes: Bytes) throws {
        guard bytes.count == 32 else {
            throw HallmarkError(.malformed, "expected 32 bytes, got \(bytes.count)")
        }
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        var i = bytes.startIndex
        func word() -> UInt64 {
            var w: UInt64 = 0
            for _ in 0..<8 {
                w = w << 8 | UInt64(bytes[i])
                i = bytes.index(after: i)
            }
            return w
        }
        words.0 = word()
        words.1 = word()
        words.2 = word()
        words.3 = word()
        self.init(w0: words.0, w1: words.1, w2: words.2, w3: words.3)
    }

    /// Creates a value from a SHA-256 digest or an HMAC-SHA256 code (anything exposing 32 raw bytes).
    /// ``init(bytes:)`` for 32 bytes in memory, read a word at a time (no generic collection walk: binary batches
    /// read 10 000 of them a request).
    /// - Throws: ``HallmarkError`` `malformed` if there are not exactly 32 bytes.
    public init(bytes: UnsafeRawBufferPointer) throws {
        guard bytes.count == 32 else {
            throw HallmarkError(.malformed, "expected 32 bytes, got \(bytes.count)")
        }
        self.init(
            w0: UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self)),
            w1: UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self)),
            w2: UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 16, as: UInt64.self)),
            w3: UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
        )
    }

    public init(_ raw: some ContiguousBytes) {
        // Callers pass SHA256.Digest or HashedAuthenticationCode<SHA256>, which are always 32 bytes.
        self = raw.withUnsafeBytes { try! Hash256(bytes: $0) }
    }

    /// Parses 64 hexadecimal digits, in either case.
    /// - Throws: ``HallmarkError`` with code `invalid-value` for anything else.
    public init(hex: some StringProtocol) throws {
        let utf8 = Array(hex.utf8)
        guard utf8.count == 64 else {
            throw HallmarkError(.invalidValue, "expected 64 hex digits, got \(utf8.count) characters")
        }
        var words: [UInt64] = [0, 0, 0, 0]
        for (i, c) in utf8.enumerated() {
            let nibble: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = c - UInt8(ascii: "A") + 10
            default:
                throw HallmarkError(.invalidValue, "character \(i + 1) is not a hex digit")
            }
            words[i / 16] = words[i / 16] << 4 | UInt64(nibble)
        }
        self.init(w0: words[0], w1: words[1], w2: words[2], w3: words[3])
    }

    /// The 32 bytes, big-endian word by word.
    public var bytes: [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(32)
        for word in [w0, w1, w2, w3] {
            for shift in stride(from: 56, through: 0, by: -8) {
                out.append(UInt8(truncatingIfNeeded: word >> UInt64(shift)))
            }
        }
        return out
    }

    /// Lower-case hexadecimal, 64 digits.
    public var hex: String {
        // Written in place, nibble by nibble from the words' high end: every verdict the API answers carries one.
        String(unsafeUninitializedCapacity: 64) { text in
            for (position, word) in [w0, w1, w2, w3].enumerated() {
                for nibble in 0..<16 {
                    let value = UInt8(truncatingIfNeeded: word >> (60 - 4 * nibble)) & 0x0f
                    text[position * 16 + nibble] = value < 10 ? 0x30 + value : 0x57 + value
                }
            }
            return 64
        }
    }

    public var description: String { hex }

    public static func < (lhs: Hash256, rhs: Hash256) -> Bool {
        (lhs.w0, lhs.w1, lhs.w2, lhs.w3) < (rhs.w0, rhs.w1, rhs.w2, rhs.w3)
    }
}
