/// What an indicator identifies: a seller account, a SKU, a listing URL or a product image.
///
/// A struct rather than an enum so that a node can receive kinds added by newer nodes and carry
/// them through its log untouched; ``isKnown`` says whether this node can normalize values of it.
public struct IndicatorKind: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The kind's name on the wire and on the command line, such as `seller`.
    public let name: String

    /// A marketplace seller account, optionally scoped as `marketplace:account`.
    public static let seller = IndicatorKind(uncheckedName: "seller")
    /// A product SKU.
    public static let sku = IndicatorKind(uncheckedName: "sku")
    /// A listing URL.
    public static let url = IndicatorKind(uncheckedName: "url")
    /// A 256-bit PDQ perceptual hash of a product image, shared as it is rather than keyed.
    public static let imagePDQ = IndicatorKind(uncheckedName: "image-pdq")

    /// The kinds this node can normalize, in display order.
    public static let known: [IndicatorKind] = [.seller, .sku, .url, .imagePDQ]

    private init(uncheckedName: String) { self.name = uncheckedName }

    /// Parses a kind named in a substring or another string type, as the `String` form does.
    /// - Throws: ``HallmarkError`` `unknown-kind` when the name is not one of ``known``.
    public init(parsing name: some StringProtocol) throws {
        try self.init(parsing: String(name))
    }

    /// Parses a kind named on the command line, in a file or in the API (surrounding spaces allowed). A name given
    /// exactly, as nearly every one is (each single check names one), is found without a trimmed copy.
    /// - Throws: ``HallmarkError`` `unknown-kind` when the name is not one of ``known``.
    public init(parsing name: String) throws {
        if let kind = Self.known.first(where: { $0.name == name }) {
            self = kind
            return
        }
        let trimmed = name.trimmingASCIIWhitespace()
        guard let kind = Self.known.first(where: { $0.name == trimmed }) else {
            let names = Self.known.map(\.name).joined(separator: ", ")
            throw HallmarkError(.unknownKind, "unknown indicator kind '\(trimmed)' (expected one of: \(names))")
        }
        self = kind
    }

    /// Accepts any syntactically valid kind name (lower-case letters, digits and `-`, 1–32 characters),
    /// known or not. Used when decoding entries that a newer node may have written.
    /// - Throws: ``HallmarkError`` `malformed` when the name is not syntactically valid.
    public init(wireName: String) throws {
        guard (1...32).contains(wireName.utf8.count),
            wireName.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7a) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2d })
        else {
            throw HallmarkError(.malformed, "'\(wireName)' is not a valid indicator kind name")
        }
        self.name = wireName
    }

    /// Whether this node knows the kind's normalization rules.
    public var isKnown: Bool { Self.known.contains(self) }

    /// Whether values of this kind are shared as they are (perceptual hashes) rather than as keyed digests.
    public var isSharedUnkeyed: Bool { self == .imagePDQ }

    public var description: String { name }

    public static func < (lhs: IndicatorKind, rhs: IndicatorKind) -> Bool { lhs.name < rhs.name }
}

extension StringProtocol {
    /// The string without leading and trailing ASCII white space (space, tab, CR, LF, VT, FF).
    package func trimmingASCIIWhitespace() -> String {
        let isSpace: (Character) -> Bool = {
            $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\u{0B}" || $0 == "\u{0C}" || $0 == "\r\n"
        }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
