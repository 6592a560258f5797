/// The body of `POST /v1/sync`: `{"peer": "MEMBER@HOST:PORT"}`, one round of sync with that peer, run by the node.
public struct SyncRequest: Codable, Sendable {
    /// The peer: the member its certificate must name, and where its node listens.
    public var peer: String

    /// The request for `peer`.
    public init(peer: String) {
        self.peer = peer
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case peer
    }

    public init(from decoder: any Decoder) throws {
        peer = try decoder.knownFields(CodingKeys.self).decode(String.self, forKey: .peer)
    }
}
