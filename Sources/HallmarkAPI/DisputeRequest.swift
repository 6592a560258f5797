/// The body of `POST /v1/disputes`: `{"kind": …, "value": …, "origin": "MEMBER", "reason": "…", "note": "…"}`.
struct DisputeRequest: Decodable, Sendable {
    var kind: String
    var value: String
    var origin: String
    var reason: String
    var note: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case kind, value, origin, reason, note
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.knownFields(CodingKeys.self)
        kind = try container.decode(String.self, forKey: .kind)
        value = try container.decode(String.self, forKey: .value)
        origin = try container.decode(String.self, forKey: .origin)
        reason = try container.decode(String.self, forKey: .reason)
        note = try container.decodeIfPresent(String.self, forKey: .note)
    }
}
