/// The body of `POST /v1/retractions`: `{"identifiers": [{"kind": …, "value": …}, …], "note": "…"}`, retracted
/// under one signed checkpoint.
struct RetractionsRequest: Decodable, Sendable {
    var identifiers: [IdentifierInput]
    var note: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case identifiers, note
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.knownFields(CodingKeys.self)
        identifiers = try container.decode([IdentifierInput].self, forKey: .identifiers)
        note = try container.decodeIfPresent(String.self, forKey: .note)
    }
}
