/// The body of `POST /v1/check`: `{"identifiers": [IdentifierInput, …], "max_distance": N}`, the second optional.
public struct CheckRequest: Codable, Sendable {
    public var identifiers: [IdentifierInput]
    /// For `image-pdq` identifiers: the largest Hamming distance at which a listed hash matches (0–32); the node's
    /// setting when absent.
    public var maxDistance: Int?

    /// The request for `identifiers`, in order.
    public init(identifiers: [IdentifierInput], maxDistance: Int? = nil) {
        self.identifiers = identifiers
        self.maxDistance = maxDistance
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case identifiers
        case maxDistance = "max_distance"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.knownFields(CodingKeys.self)
        identifiers = try container.decode([IdentifierInput].self, forKey: .identifiers)
        maxDistance = try container.decodeIfPresent(Int.self, forKey: .maxDistance)
    }
}
