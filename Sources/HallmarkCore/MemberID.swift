/// The identifier of an alliance member, as in its certificate's URI SAN `hallmark://member/ID`.
///
/// 1–63 characters of lower-case ASCII letters, digits and `-`, starting with a letter or digit:
/// safe in URIs, file names, log lines and SQL without escaping.
public struct MemberID: Hashable, Sendable, Comparable, CustomStringConvertible, Codable {
    /// The identifier as text.
    public let rawValue: String

    /// The URI prefix under which member ids appear in certificates.
    public static let uriPrefix = "hallmark://member/"

    /// Validates a member id.
    /// - Throws: ``HallmarkError`` `invalid-value` naming what is wrong.
    public init(_ rawValue: String) throws {
        let bytes = Array(rawValue.utf8)
        guard (1...63).contains(bytes.count) else {
            throw HallmarkError(.invalidValue, "member id must be 1 to 63 characters, got \(bytes.count)")
        }
        let allowed = bytes.allSatisfy { ($0 >= 0x61 && $0 <= 0x7a) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2d }
        guard allowed, bytes[0] != 0x2d else {
            throw HallmarkError(
                .invalidValue,
                "member id '\(rawValue)' may hold only lower-case letters, digits and '-', and must not start with '-'"
            )
        }
        self.rawValue = rawValue
    }

    /// Extracts the member id from a `hallmark://member/ID` URI.
    /// - Throws: ``HallmarkError`` `invalid-value` when the URI has another form.
    public init(uri: String) throws {
        guard uri.hasPrefix(Self.uriPrefix) else {
            throw HallmarkError(.invalidValue, "'\(uri)' is not a member URI (\(Self.uriPrefix)ID)")
        }
        try self.init(String(uri.dropFirst(Self.uriPrefix.count)))
    }

    /// `hallmark://member/ID`.
    public var uri: String { Self.uriPrefix + rawValue }

    public var description: String { rawValue }

    public static func < (lhs: MemberID, rhs: MemberID) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        try self.init(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
