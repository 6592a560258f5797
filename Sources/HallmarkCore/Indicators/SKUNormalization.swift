/// The `sku` rules: NFKC, full case folding, NFKC; then every white space and separator removed.
///
/// Separators are `-`, every dash (general category Pd), `.`, `_`, `/` and `\`, so that `LV-M40990`,
/// `lv m40990` and `LV.M.40990` are one SKU. See `Protocol/normalization.md`.
enum SKUNormalization {
    /// The normalized form of a SKU value.
    /// - Throws: ``HallmarkError`` `invalid-value` naming the problem.
    static func normalize(_ value: String) throws -> String {
        let fast = try value.utf8.withContiguousStorageIfAvailable { bytes -> String? in
            guard IndicatorText.isASCII(bytes) else { return nil }
            return try normalizeASCII(bytes)
        }
        if case let normalized?? = fast { return normalized }
        return try normalizeUnicode(value)
    }

    /// Whether an ASCII byte is dropped from a SKU: white space, `-`, `.`, `_`, `/`, `\`.
    @inline(__always)
    private static func isDroppedASCII(_ byte: UInt8) -> Bool {
        IndicatorText.isASCIIWhiteSpace(byte) || byte == 0x2D || byte == 0x2E || byte == 0x5F || byte == 0x2F
            || byte == 0x5C
    }

    /// The fast path: for ASCII, NFKC is the identity and case folding is lower-casing A–Z.
    private static func normalizeASCII(_ bytes: UnsafeBufferPointer<UInt8>) throws -> String {
        try String(unsafeUninitializedCapacity: bytes.count) { try normalizeASCII(bytes, into: $0) }
    }

    /// Normalizes an all-ASCII value into `output`, which has room for `bytes.count` bytes; returns the length.
    /// - Throws: ``HallmarkError`` `invalid-value` naming the problem.
    static func normalizeASCII(
        _ bytes: UnsafeBufferPointer<UInt8>,
        into output: UnsafeMutableBufferPointer<UInt8>
    ) throws -> Int {
        var sawContent = false
        var count = 0
        for byte in bytes {
            if isDroppedASCII(byte) {
                sawContent = sawContent || !IndicatorText.isASCIIWhiteSpace(byte)
                continue
            }
            sawContent = true
            if byte < 0x20 || byte == 0x7F {
                throw HallmarkError(
                    .invalidValue,
                    "sku value contains control character \(IndicatorText.codePoint(UInt32(byte)))"
                )
            }
            output[count] = byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
            count += 1
        }
        guard sawContent else { throw HallmarkError(.invalidValue, "empty sku value") }
        guard count > 0 else { throw emptyAfterSeparators }
        return count
    }

    /// The general path: invisible characters removed, then Hallmark's NFKC and case-folding tables.
    private static func normalizeUnicode(_ value: String) throws -> String {
        let trimmed = IndicatorText.trimmed(value)
        guard !trimmed.isEmpty else { throw HallmarkError(.invalidValue, "empty sku value") }
        try IndicatorText.checkRepertoire(trimmed, kind: .sku)
        guard IndicatorText.hasVisibleContent(trimmed) else {
            throw HallmarkError(
                .invalidValue,
                "sku value is empty once invisible (default-ignorable) characters are removed"
            )
        }
        var kept = String.UnicodeScalarView()
        for scalar in IndicatorText.fold(trimmed).unicodeScalars {
            let value = scalar.value
            let dropped =
                IndicatorText.isWhiteSpace(value) || IndicatorText.isDash(value) || value == 0x2E || value == 0x5F
                || value == 0x2F || value == 0x5C
            if !dropped { kept.append(scalar) }
        }
        guard !kept.isEmpty else { throw emptyAfterSeparators }
        return String(kept)
    }

    private static var emptyAfterSeparators: HallmarkError {
        HallmarkError(.invalidValue, "sku value is empty once white space and separators are removed")
    }
}
