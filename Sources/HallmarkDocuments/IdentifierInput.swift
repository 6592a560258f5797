import HallmarkCore
import HallmarkMember

/// One identifier in a request: `{"kind": "seller", "value": "…"}` raw, or `{"kind": "seller", "digest": "…"}`
/// as the 64 hex digits of its digest.
public struct IdentifierInput: Codable, Sendable {
    public var kind: String
    public var value: String?
    public var digest: String?

    /// A raw identifier, as its kind and normalized value (normalizing again changes nothing).
    public init(_ identifier: Identifier) {
        self.init(kind: identifier.kind.name, value: identifier.normalized)
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case kind, value, digest
    }

    /// An identifier as a request gives it: `value` raw, or `digest` as 64 hex digits.
    public init(kind: String, value: String?, digest: String? = nil) {
        self.kind = kind
        self.value = value
        self.digest = digest
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.knownFields(CodingKeys.self)
        kind = try container.decode(String.self, forKey: .kind)
        value = try container.decodeIfPresent(String.self, forKey: .value)
        digest = try container.decodeIfPresent(String.self, forKey: .digest)
    }

    /// What to look up: the kind, the digest, and the identifier when it was given raw.
    /// - Parameter path: Where this input is in the request, such as `identifiers[3]`.
    /// - Throws: ``HallmarkError`` located at the field that is wrong.
    public func lookup(at path: String, by member: Member) throws -> (identifier: Identifier?, digest: Hash256) {
        switch try subject(at: path) {
        case .identifier(let identifier): (identifier, member.digest(of: identifier))
        case .digest(_, let digest): (nil, digest)
        }
    }

    /// The identifier, normalized, or the digest with its kind.
    /// - Parameter path: Where this input is in the request, such as `indicators[3]`.
    /// - Throws: ``HallmarkError`` located at the field that is wrong; also when both or neither of `value` and
    ///   `digest` are given.
    public func subject(at path: String) throws -> Submission.Subject {
        let kind = try parsedKind(at: path)
        switch (value, digest) {
        case (let value?, nil):
            return .identifier(try parsedIdentifier(kind: kind, value: value, at: path))
        case (nil, let digest?):
            do {
                return .digest(kind, try Hash256(hex: digest))
            } catch let error as HallmarkError {
                throw HallmarkError(error.code, "digest: \(error.message)", location: Self.field(path, "digest"))
            }
        default:
            throw HallmarkError(.invalidValue, "give exactly one of 'value' and 'digest'", location: path.nonEmpty)
        }
    }

    /// The raw identifier, for the operations that need one (retract, dispute).
    /// - Throws: ``HallmarkError`` located at the field that is wrong, also when only a digest was given.
    public func identifier(at path: String) throws -> Identifier {
        let kind = try parsedKind(at: path)
        guard digest == nil, let value else {
            throw HallmarkError(
                .invalidValue,
                "give the raw 'value' (a digest is not enough here)",
                location: path.nonEmpty
            )
        }
        return try parsedIdentifier(kind: kind, value: value, at: path)
    }

    private func parsedKind(at path: String) throws -> IndicatorKind {
        do {
            return try IndicatorKind(parsing: kind)
        } catch let error as HallmarkError {
            throw error.at(Self.field(path, "kind"))
        }
    }

    private func parsedIdentifier(kind: IndicatorKind, value: String, at path: String) throws -> Identifier {
        do {
            return try Identifier(kind: kind, value: value)
        } catch let error as HallmarkError {
            throw error.at(Self.field(path, "value"))
        }
    }

    /// `path.name`, or `name` at the top of the body.
    static func field(_ path: String, _ name: String) -> String {
        path.isEmpty ? name : "\(path).\(name)"
    }
}

extension String {
    /// The string, or `nil` when it is empty.
    public var nonEmpty: String? { isEmpty ? nil : self }
}
