/// A raw identifier of a known kind, in its normalized form: the exact text that gets digested.
///
/// Two spellings of one seller, SKU, URL or image hash normalize to the same ``normalized`` text, so
/// every node computes the same digest for them. The rules are in `Protocol/normalization.md`.
public struct Identifier: Hashable, Sendable {
    /// What the identifier identifies.
    public let kind: IndicatorKind
    /// The normalized text, valid UTF-8 (for `url` and `image-pdq`, ASCII).
    public let normalized: String

    /// The largest raw value accepted, in bytes of UTF-8, before surrounding white space is trimmed.
    public static let maximumValueBytes = 1024

    /// Normalizes a raw value of a known kind.
    /// - Parameters:
    ///   - kind: One of ``IndicatorKind/known``.
    ///   - value: The value as a person or a system wrote it.
    /// - Throws: ``HallmarkError`` `unknown-kind` for a kind this node cannot normalize, or
    ///   `invalid-value` naming the kind and what is wrong with the value.
    public init(kind: IndicatorKind, value: String) throws {
        guard kind.isKnown else {
            let names = IndicatorKind.known.map(\.name).joined(separator: ", ")
            throw HallmarkError(
                .unknownKind,
                "indicator kind '\(kind.name)' cannot be normalized here (known kinds: \(names))"
            )
        }
        let byteCount = value.utf8.count
        guard byteCount <= Self.maximumValueBytes else {
            throw HallmarkError(
                .invalidValue,
                "\(kind.name) value is \(byteCount) bytes, the limit is \(Self.maximumValueBytes)"
            )
        }
        self.kind = kind
        switch kind {
        case .seller: normalized = try SellerNormalization.normalize(value)
        case .sku: normalized = try SKUNormalization.normalize(value)
        case .url: normalized = try URLCanonicalization.canonicalize(value)
        default: normalized = try PDQHashNormalization.normalize(value)
        }
    }

    /// Normalizes a raw value given as UTF-8 bytes.
    /// - Parameters:
    ///   - kind: One of ``IndicatorKind/known``.
    ///   - utf8: The value's bytes; they must be valid UTF-8.
    /// - Throws: ``HallmarkError`` `invalid-value` for invalid UTF-8 and everything ``init(kind:value:)`` rejects.
    public init(kind: IndicatorKind, utf8: some Collection<UInt8>) throws {
        guard kind.isKnown else {
            try self.init(kind: kind, value: "")
            return
        }
        let byteCount = utf8.count
        guard byteCount <= Self.maximumValueBytes else {
            throw HallmarkError(
                .invalidValue,
                "\(kind.name) value is \(byteCount) bytes, the limit is \(Self.maximumValueBytes)"
            )
        }
        guard let value = String(validating: utf8, as: UTF8.self) else {
            throw HallmarkError(.invalidValue, "\(kind.name) value is not valid UTF-8")
        }
        try self.init(kind: kind, value: value)
    }
}
