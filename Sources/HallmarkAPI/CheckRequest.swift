/// The body of `POST /v1/check`: `{"identifiers": [IdentifierInput, …]}`.
struct CheckRequest: Decodable, Sendable {
    var identifiers: [IdentifierInput]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case identifiers
    }

    init(from decoder: any Decoder) throws {
        identifiers = try decoder.knownFields(CodingKeys.self).decode(
            [IdentifierInput].self,
            forKey: .identifiers
        )
    }
}
