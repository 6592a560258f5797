import HallmarkCore

/// A bearer token for the node's HTTP API, as the store keeps it: its name, what it may do, and when it was created
/// and revoked. The secret itself is never stored, only its SHA-256 hash.
public struct APIToken: Sendable, Equatable, Codable {
    /// What a token lets its bearer do.
    public enum Access: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
        /// Read-only routes: checks, audits, status, peers, the OpenAPI document.
        case read
        /// Every route, including those that change the node's state (submissions, retractions, disputes).
        case write

        /// Parses `read` or `write`.
        /// - Throws: ``HallmarkError`` `invalid-value` for anything else.
        public init(parsing text: String) throws {
            guard let access = Access(rawValue: text) else {
                throw HallmarkError(.invalidValue, "access '\(text)' is neither 'read' nor 'write'")
            }
            self = access
        }

        /// Whether a token with this access may use a route that needs `needed`.
        public func permits(_ needed: Access) -> Bool {
            self == .write || needed == .read
        }

        public var description: String { rawValue }
    }

    /// The most characters in a token's name.
    public static let maximumNameLength = 64

    /// The operator's name for the token, unique in the store (a revoked token keeps its name).
    public var name: String
    /// What the token may do.
    public var access: Access
    /// When it was created.
    public var createdAt: Timestamp
    /// When it was revoked; `nil` while it is valid.
    public var revokedAt: Timestamp?

    /// Creates a record.
    public init(name: String, access: Access, createdAt: Timestamp, revokedAt: Timestamp? = nil) {
        self.name = name
        self.access = access
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }

    /// Checks a token name: 1 to ``maximumNameLength`` ASCII letters, digits, `.`, `_` or `-`, starting with a letter
    /// or digit.
    /// - Throws: ``HallmarkError`` `invalid-value` naming what is wrong.
    public static func validate(name: String) throws {
        let allowed = name.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: ".")
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
        guard allowed, let first = name.utf8.first, first != UInt8(ascii: "."), first != UInt8(ascii: "_"),
            first != UInt8(ascii: "-"), name.utf8.count <= maximumNameLength
        else {
            throw HallmarkError(
                .invalidValue,
                "token name '\(name)' must be 1 to \(maximumNameLength) letters, digits, '.', '_' or '-', "
                    + "starting with a letter or digit"
            )
        }
    }
}
