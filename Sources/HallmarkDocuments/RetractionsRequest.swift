/// The body of `POST /v1/retractions`: `{"identifiers": [{"kind": …, "value": …}, …], "note": "…"}`, retracted
/// under one signed checkpoint.
public struct RetractionsRequest: Codable, Sendable {
    public var identifiers: [IdentifierInput]
    public var note: String?

    /// The request retracting `identifiers` with `note`.
    public init(identifiers: [IdentifierInput], note: String?) {
        self.identifiers = identifiers
        self.note = note
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case identifiers, note
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.knownFields(CodingKeys.self)
        identifiers = try container.decode([IdentifierInput].self, forKey: .identifiers)
        note = try container.decodeIfPresent(String.self, forKey: .note)
    }
}
