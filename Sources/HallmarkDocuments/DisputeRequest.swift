import HallmarkCore

/// The body of `POST /v1/disputes`: `{"kind": …, "value": …, "origin": "MEMBER", "reason": "…", "note": "…"}`.
public struct DisputeRequest: Codable, Sendable {
    public var kind: String
    public var value: String
    public var origin: String
    public var reason: String
    public var note: String?

    /// The request disputing `origin`'s assertion of `identifier`.
    public init(_ identifier: Identifier, origin: MemberID, reason: String, note: String?) {
        kind = identifier.kind.name
        value = identifier.normalized
        self.origin = origin.rawValue
        self.reason = reason
        self.note = note
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case kind, value, origin, reason, note
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.knownFields(CodingKeys.self)
        kind = try container.decode(String.self, forKey: .kind)
        value = try container.decode(String.self, forKey: .value)
        origin = try container.decode(String.self, forKey: .origin)
        reason = try container.decode(String.self, forKey: .reason)
        note = try container.decodeIfPresent(String.self, forKey: .note)
    }
}
