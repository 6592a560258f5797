/// The body of `POST /v1/check`: `{"identifiers": [IdentifierInput, …]}`.
public struct CheckRequest: Codable, Sendable {
    public var identifiers: [IdentifierInput]

    /// The request for `identifiers`, in order.
    public init(identifiers: [IdentifierInput]) {
        self.identifiers = identifiers
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case identifiers
    }

    public init(from decoder: any Decoder) throws {
        identifiers = try decoder.knownFields(CodingKeys.self).decode(
            [IdentifierInput].self,
            forKey: .identifiers
        )
    }
}
