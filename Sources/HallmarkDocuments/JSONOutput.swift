/// A JSON document written byte by byte, for the documents answered thousands of times a second (verdicts),
/// where `JSONEncoder` (reflection, key conversion, sorting) was most of the cost.
///
/// It writes what ``APIDocument/makeEncoder(pretty:)`` writes, byte for byte: no whitespace, slashes unescaped,
/// `"` and `\` escaped, control characters as `\b \t \n \f \r` or `\u00xx`, everything else as UTF-8. The caller
/// writes keys in sorted order. Tests compare both encoders' output.
package struct JSONOutput {
    /// The document so far.
    package private(set) var bytes: [UInt8] = []
    /// Whether the next member or element of the open object or array is its first (no comma before it).
    private var first = true

    /// An empty document with room for `capacity` bytes.
    package init(capacity: Int = 256) {
        bytes.reserveCapacity(capacity)
    }

    /// Opens an object as the next value.
    package mutating func beginObject() {
        bytes.append(UInt8(ascii: "{"))
        first = true
    }

    /// Closes the innermost object.
    package mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        first = false
    }

    /// Opens an array as the next value.
    package mutating func beginArray() {
        bytes.append(UInt8(ascii: "["))
        first = true
    }

    /// Closes the innermost array.
    package mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        first = false
    }

    /// Starts the next element of an array (a comma unless it is the first).
    package mutating func element() {
        if !first { bytes.append(UInt8(ascii: ",")) }
        first = false
    }

    /// Writes `"key":`, after a comma unless it is the object's first member. `key` must need no escaping.
    package mutating func key(_ key: StaticString) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        first = false
        bytes.append(UInt8(ascii: "\""))
        key.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
    }

    /// A string value, escaped.
    package mutating func string(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            // Most values need no escaping: copy runs between the bytes that do.
            var start = 0
            for (index, byte) in utf8.enumerated()
            where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index]))
                appendEscaped(byte)
                start = index + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// A string value, or nothing at all (not even the key) when it is `nil`, as `JSONEncoder` leaves out nil optionals.
    package mutating func string(_ key: StaticString, _ value: String?) {
        guard let value else { return }
        self.key(key)
        string(value)
    }

    /// An integer value.
    package mutating func integer(_ value: some BinaryInteger) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        digits(of: UInt64(value.magnitude))
    }

    /// A boolean value.
    package mutating func boolean(_ value: Bool) {
        let literal: StaticString = value ? "true" : "false"
        literal.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    private mutating func digits(of value: UInt64) {
        guard value >= 10 else {
            bytes.append(UInt8(ascii: "0") + UInt8(value))
            return
        }
        var reversed: [UInt8] = []
        var rest = value
        while rest > 0 {
            reversed.append(UInt8(ascii: "0") + UInt8(rest % 10))
            rest /= 10
        }
        bytes.append(contentsOf: reversed.reversed())
    }

    private mutating func appendEscaped(_ byte: UInt8) {
        bytes.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(byte)
        case 0x08: bytes.append(UInt8(ascii: "b"))
        case 0x09: bytes.append(UInt8(ascii: "t"))
        case 0x0A: bytes.append(UInt8(ascii: "n"))
        case 0x0C: bytes.append(UInt8(ascii: "f"))
        case 0x0D: bytes.append(UInt8(ascii: "r"))
        default:
            let hex = Array("0123456789abcdef".utf8)
            bytes.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
            bytes.append(hex[Int(byte >> 4)])
            bytes.append(hex[Int(byte & 0x0F)])
        }
    }
}
