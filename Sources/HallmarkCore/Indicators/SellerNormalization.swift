/// The `seller` rules: NFKC, full case folding, NFKC; white space collapsed; an optional `marketplace:` scope.
///
/// See `Protocol/normalization.md` for the rules in full.
enum SellerNormalization {
    /// The normalized form of a seller value.
    /// - Throws: ``HallmarkError`` `invalid-value` naming the problem.
    static func normalize(_ value: String) throws -> String {
        let fast = try value.utf8.withContiguousStorageIfAvailable { bytes -> String? in
            guard IndicatorText.isASCII(bytes) else { return nil }
            return try normalizeASCII(bytes)
        }
        if case let normalized?? = fast { return normalized }
        return try normalizeUnicode(value)
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
        var count = 0
        var pendingSpace = false
        for byte in bytes {
            if byte > 0x20 && byte != 0x7F {
                if pendingSpace {
                    output[count] = 0x20
                    count += 1
                    pendingSpace = false
                }
                output[count] = byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
                count += 1
            } else if IndicatorText.isASCIIWhiteSpace(byte) {
                pendingSpace = count > 0
            } else {
                throw HallmarkError(
                    .invalidValue,
                    "seller value contains control character \(IndicatorText.codePoint(UInt32(byte)))"
                )
            }
        }
        guard count > 0 else { throw HallmarkError(.invalidValue, "empty seller value") }
        return try applyMarketplaceScope(output, count: count)
    }

    /// The general path: invisible characters removed, then Hallmark's NFKC and case-folding tables.
    private static func normalizeUnicode(_ value: String) throws -> String {
        let trimmed = IndicatorText.trimmed(value)
        guard !trimmed.isEmpty else { throw HallmarkError(.invalidValue, "empty seller value") }
        try IndicatorText.checkRepertoire(trimmed, kind: .seller)
        guard IndicatorText.hasVisibleContent(trimmed) else {
            throw HallmarkError(
                .invalidValue,
                "seller value is empty once invisible (default-ignorable) characters are removed"
            )
        }
        var bytes = [UInt8]()
        bytes.reserveCapacity(trimmed.utf8.count + 8)
        var pendingSpace = false
        for scalar in IndicatorText.fold(trimmed).unicodeScalars {
            if IndicatorText.isWhiteSpace(scalar.value) {
                pendingSpace = !bytes.isEmpty
                continue
            }
            if pendingSpace {
                bytes.append(0x20)
                pendingSpace = false
            }
            bytes.append(contentsOf: scalar.utf8)
        }
        guard !bytes.isEmpty else { throw HallmarkError(.invalidValue, "empty seller value") }
        let count = try bytes.withUnsafeMutableBufferPointer { try applyMarketplaceScope($0, count: $0.count) }
        return String(decoding: bytes[..<count], as: UTF8.self)
    }

    /// Checks and tightens `marketplace:account` in place, once white space is collapsed; returns the new length.
    ///
    /// The part before the first `:` is the marketplace, `[a-z0-9.-]+`; the account after it must not be
    /// empty; the (at most one) space on either side of the colon is dropped.
    private static func applyMarketplaceScope(_ buffer: UnsafeMutableBufferPointer<UInt8>, count: Int) throws -> Int {
        guard let colon = buffer[..<count].firstIndex(of: UInt8(ascii: ":")) else { return count }
        var marketplaceEnd = colon
        if marketplaceEnd > 0 && buffer[marketplaceEnd - 1] == 0x20 { marketplaceEnd -= 1 }
        guard marketplaceEnd > 0 else {
            throw HallmarkError(.invalidValue, "seller value has an empty marketplace before ':'")
        }
        for byte in buffer[..<marketplaceEnd] {
            let allowed =
                (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2E || byte == 0x2D
            guard allowed else {
                let marketplace = String(
                    decoding: UnsafeBufferPointer(rebasing: buffer[..<marketplaceEnd]),
                    as: UTF8.self
                )
                throw HallmarkError(
                    .invalidValue,
                    "seller marketplace '\(marketplace)' may hold only a-z, 0-9, '.' and '-'"
                )
            }
        }
        var accountStart = colon + 1
        if accountStart < count && buffer[accountStart] == 0x20 { accountStart += 1 }
        guard accountStart < count else {
            throw HallmarkError(.invalidValue, "seller value has an empty account after ':'")
        }
        buffer[marketplaceEnd] = UInt8(ascii: ":")
        let accountLength = count - accountStart
        if accountStart != marketplaceEnd + 1 {
            for offset in 0..<accountLength {
                buffer[marketplaceEnd + 1 + offset] = buffer[accountStart + offset]
            }
        }
        return marketplaceEnd + 1 + accountLength
    }
}
