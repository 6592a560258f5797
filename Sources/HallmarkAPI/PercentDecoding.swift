/// Percent-decoding of URL path and query components (RFC 3986 §2.1) without Foundation: it runs on the path parameter
/// of every single check, where Foundation's `removingPercentEncoding` took 3 % of a node answering them.
enum PercentDecoding {
    /// `text` with every `%XX` replaced by the byte it encodes (`+` stays `+`); `nil` when a `%` is not followed by two
    /// hexadecimal digits or the bytes are not UTF-8, as Foundation's `removingPercentEncoding` answers.
    static func decode(_ text: some StringProtocol) -> String? {
        let utf8 = text.utf8
        // Most parameters hold no escape at all: no copy then.
        guard utf8.contains(UInt8(ascii: "%")) else { return String(text) }
        var bytes: [UInt8] = []
        var iterator = utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                return nil
            }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
