/// The Unicode character classes and the folding pipeline shared by the normalization rules.
///
/// The classes are spelled out as code point lists, not taken from the runtime's Unicode tables, so
/// that every node and every other implementation agrees on them whatever its Unicode version.
enum IndicatorText {
    /// The Unicode version whose repertoire Hallmark v1 normalizes; later code points are rejected.
    ///
    /// Unicode's normalization and case-folding stability policies make NFKC and case folding of these
    /// code points identical under every later version, so nodes built on different Unicode versions
    /// still compute the same bytes. 14.0 is the version of Python 3.11, the reference implementation.
    static let unicodeVersion = (major: 14, minor: 0)

    /// Unicode White_Space (PropList.txt), unchanged since Unicode 6.3.
    @inline(__always)
    static func isWhiteSpace(_ value: UInt32) -> Bool {
        switch value {
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return true
        default:
            return false
        }
    }

    /// An ASCII byte that is White_Space: tab, line feed, vertical tab, form feed, carriage return, space.
    @inline(__always)
    static func isASCIIWhiteSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
    }

    /// General category Cc: U+0000–U+001F and U+007F–U+009F (fixed by Unicode forever).
    @inline(__always)
    static func isControl(_ value: UInt32) -> Bool {
        value < 0x20 || (value >= 0x7F && value <= 0x9F)
    }

    /// General category Pd (dash punctuation) as of Unicode 14.0.
    static func isDash(_ value: UInt32) -> Bool {
        switch value {
        case 0x002D, 0x058A, 0x05BE, 0x1400, 0x1806, 0x2010...0x2015, 0x2E17, 0x2E1A, 0x2E3A, 0x2E3B, 0x2E40,
            0x2E5D, 0x301C, 0x3030, 0x30A0, 0xFE31, 0xFE32, 0xFE58, 0xFE63, 0xFF0D, 0x10EAD:
            return true
        default:
            return false
        }
    }

    /// Default_Ignorable_Code_Point as of Unicode 14.0 (DerivedCoreProperties.txt; unchanged in 15.0).
    ///
    /// These render as nothing (zero-width space and joiners, soft hyphen, word joiner, BOM, bidi controls,
    /// variation selectors, Hangul fillers, tags…), so a value stuffed with them looks like the original
    /// while its bytes differ: folding removes them, as Unicode's NFKC_Casefold does. The unassigned
    /// code points of these ranges are rejected by ``checkRepertoire(_:kind:)`` before that.
    static func isDefaultIgnorable(_ value: UInt32) -> Bool {
        switch value {
        case 0x00AD, 0x034F, 0x061C, 0x115F...0x1160, 0x17B4...0x17B5, 0x180B...0x180F, 0x200B...0x200F,
            0x202A...0x202E, 0x2060...0x206F, 0x3164, 0xFE00...0xFE0F, 0xFEFF, 0xFFA0, 0xFFF0...0xFFF8,
            0x1BCA0...0x1BCA3, 0x1D173...0x1D17A, 0xE0000...0xE0FFF:
            return true
        default:
            return false
        }
    }

    /// Whether `text` holds something other than White_Space and default-ignorable code points.
    static func hasVisibleContent(_ text: Substring) -> Bool {
        text.unicodeScalars.contains { !isWhiteSpace($0.value) && !isDefaultIgnorable($0.value) }
    }

    /// Whether every byte is ASCII, so that NFKC is the identity and case folding is ASCII lower-casing.
    @inline(__always)
    static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var combined: UInt8 = 0
        for byte in bytes { combined |= byte }
        return combined < 0x80
    }

    /// `text` without surrounding White_Space.
    static func trimmed(_ text: String) -> Substring {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isWhiteSpace($0.value) }),
            let last = scalars.lastIndex(where: { !isWhiteSpace($0.value) })
        else { return "" }
        return text[first...last]
    }

    /// Valid UTF-8 `bytes` without surrounding White_Space.
    static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var start = 0
        var end = bytes.count
        while start < end, let length = whiteSpaceLength(bytes, at: start) { start += length }
        while end > start {
            var last = end - 1
            while last > start && bytes[last] & 0xC0 == 0x80 { last -= 1 }
            guard whiteSpaceLength(bytes, at: last) != nil else { break }
            end = last
        }
        return UnsafeBufferPointer(rebasing: bytes[start..<end])
    }

    /// The length in bytes of the code point that starts at `offset` in valid UTF-8, if it is White_Space.
    @inline(__always)
    private static func whiteSpaceLength(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) -> Int? {
        let lead = bytes[offset]
        if lead < 0x80 { return isASCIIWhiteSpace(lead) ? 1 : nil }
        // Every non-ASCII White_Space code point is below U+10000: two or three bytes.
        if lead >= 0xC0 && lead < 0xE0 {
            let value = UInt32(lead & 0x1F) << 6 | UInt32(bytes[offset + 1] & 0x3F)
            return isWhiteSpace(value) ? 2 : nil
        }
        if lead >= 0xE0 && lead < 0xF0 {
            let value =
                UInt32(lead & 0x0F) << 12 | UInt32(bytes[offset + 1] & 0x3F) << 6 | UInt32(bytes[offset + 2] & 0x3F)
            return isWhiteSpace(value) ? 3 : nil
        }
        return nil
    }

    /// Rejects control characters other than white space, and code points that are unassigned (Cn) in Unicode 14.0,
    /// noncharacters included.
    /// - Throws: ``HallmarkError`` `invalid-value` naming the kind and the code point.
    static func checkRepertoire(_ text: Substring, kind: IndicatorKind) throws {
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if isControl(value) && !isWhiteSpace(value) {
                throw HallmarkError(.invalidValue, "\(kind.name) value contains control character \(codePoint(value))")
            }
            if value >= 0x80 {
                // Noncharacters have an age but stay unassigned (Cn), so both tests are needed.
                guard let age = scalar.properties.age, (age.major, age.minor) <= unicodeVersion,
                    scalar.properties.generalCategory != .unassigned
                else {
                    throw HallmarkError(
                        .invalidValue,
                        "\(kind.name) value contains \(codePoint(value)), which is not assigned in Unicode 14.0 (the repertoire Hallmark v1 normalizes)"
                    )
                }
            }
        }
    }

    /// Default-ignorable code points removed, then NFKC, full case folding and NFKC again: the pipeline of
    /// `seller`, `sku` and non-ASCII hosts.
    ///
    /// Removing them first is enough: no other code point folds to a default-ignorable one.
    static func fold(_ text: Substring) -> String {
        var folded = [UInt32]()
        let visible = text.unicodeScalars.lazy.map(\.value).filter { !isDefaultIgnorable($0) }
        for value in NFKC.normalize(visible) {
            CaseFolding.append(foldingOf: value, to: &folded)
        }
        var scalars = String.UnicodeScalarView()
        for value in NFKC.normalize(folded) {
            // NFKC and case folding map valid scalars to valid scalars.
            scalars.append(Unicode.Scalar(value)!)
        }
        return String(scalars)
    }

    /// `U+XXXX`, for messages.
    static func codePoint(_ value: UInt32) -> String {
        let hex = String(value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}
