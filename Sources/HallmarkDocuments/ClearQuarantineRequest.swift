/// The body of `POST /v1/origins/{member}/clear-quarantine`: `{"note": "…"}`, the operator's reason (optional).
public struct ClearQuarantineRequest: Codable, Sendable {
    /// Why the operator clears it.
    public var note: String?

    /// The request with `note`.
    public init(note: String?) {
        self.note = note
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case note
    }

    public init(from decoder: any Decoder) throws {
        note = try decoder.knownFields(CodingKeys.self).decodeIfPresent(String.self, forKey: .note)
    }
}
