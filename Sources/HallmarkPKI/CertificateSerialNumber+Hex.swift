import HallmarkCore
import X509

extension Certificate.SerialNumber {
    /// The serial number as colon-separated lower-case hex bytes, such as `0a:1b:2c`: what people compare with
    /// `openssl x509 -serial` (which prints the same bytes without colons).
    ///
    /// Unlike `description`, every byte has two digits, so the text reads back to the same number.
    public var hexText: String {
        bytes.map { byte in
            let digits = String(byte, radix: 16)
            return byte < 0x10 ? "0" + digits : digits
        }.joined(separator: ":")
    }

    /// Reads a serial number written in hex, with or without colons, such as `0A1B2C` or `0a:1b:2c`.
    /// - Parameter text: Hex digits for at most 20 bytes (as RFC 5280 allows) after leading zeros, optionally
    ///   separated by colons.
    /// - Throws: ``HallmarkError`` `invalid-value` for an empty, over-long or non-hex text.
    public init(hexText text: String) throws {
        let digits = Array(text.trimmingASCIIWhitespace().lowercased().filter { $0 != ":" }.utf8)
        let invalid = { (why: String) in
            HallmarkError(.invalidValue, "serial number '\(text)' \(why); write it in hex, as openssl prints it")
        }
        guard !digits.isEmpty else { throw invalid("is empty") }
        guard digits.count <= 42 else { throw invalid("is longer than 20 bytes") }
        var values: [UInt8] = []
        for digit in digits {
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): values.append(digit - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): values.append(digit - UInt8(ascii: "a") + 10)
            default: throw invalid("holds a character that is not a hex digit")
            }
        }
        if values.count % 2 == 1 { values.insert(0, at: 0) }
        let bytes = stride(from: 0, to: values.count, by: 2).map { values[$0] << 4 | values[$0 + 1] }
        self.init(bytes: bytes)
        guard self.bytes.count <= 20, self.bytes.contains(where: { $0 != 0 }) else {
            throw invalid(self.bytes.count > 20 ? "is longer than 20 bytes" : "is zero, which no certificate has")
        }
    }
}
