import HallmarkCore
import HallmarkMember

/// One indicator in `POST /v1/indicators`: `kind`, and `value` (raw) or `digest` (its 64 hex digits, for a system
/// that holds digests only: no raw value is stored then) required; `confidence` (0–100), `reason`, `expires` (a
/// duration such as `30d`, or a UTC date), `note` and, for `image-pdq`, `quality` (the hash's PDQ quality, 0–100)
/// optional, with the defaults of `hallmark submit`.
public struct IndicatorInput: Codable, Sendable {
    public var kind: String
    public var value: String?
    public var digest: String?
    public var confidence: Int?
    public var reason: String?
    public var expires: String?
    public var note: String?
    public var quality: Int?

    /// A validated submission with every field explicit, so that the node applies no default of its own.
    public init(_ submission: Submission) {
        kind = submission.kind.name
        switch submission.subject {
        case .identifier(let identifier): value = identifier.normalized
        case .digest(_, let digest): self.digest = digest.hex
        }
        confidence = submission.confidence
        reason = submission.reason
        expires = submission.expires?.iso8601
        note = submission.note
        quality = submission.quality
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case kind, value, digest, confidence, reason, expires, note, quality
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.knownFields(CodingKeys.self)
        kind = try container.decode(String.self, forKey: .kind)
        value = try container.decodeIfPresent(String.self, forKey: .value)
        digest = try container.decodeIfPresent(String.self, forKey: .digest)
        confidence = try Self.wholeNumber(.confidence, in: container)
        quality = try Self.wholeNumber(.quality, in: container)
        reason = try container.decodeIfPresent(String.self, forKey: .reason)
        expires = try container.decodeIfPresent(String.self, forKey: .expires)
        note = try container.decodeIfPresent(String.self, forKey: .note)
    }

    /// A field holding a whole number from 0 to 100, when present. Read as a number first so that 9.5 is reported at
    /// its field rather than as unreadable JSON.
    private static func wholeNumber(_ key: CodingKeys, in container: KnownFields<CodingKeys>) throws -> Int? {
        guard let number = try container.decodeIfPresent(Double.self, forKey: key) else { return nil }
        guard let whole = Int(exactly: number) else {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(
                    codingPath: container.codingPath + [key],
                    debugDescription: "expected a whole number from 0 to 100"
                )
            )
        }
        return whole
    }

    /// The submission, validated as `hallmark submit` and `hallmark import` validate theirs.
    /// - Parameter path: Where this input is in the request, such as `indicators[3]`.
    /// - Throws: ``HallmarkError`` located at the field that is wrong.
    public func submission(at path: String, now: Timestamp) throws -> Submission {
        let subject = try IdentifierInput(kind: kind, value: value, digest: digest).subject(at: path)
        do {
            return try Submission(
                subject: subject,
                confidence: confidence,
                reason: reason,
                expires: expires,
                note: note,
                quality: quality,
                now: now
            )
        } catch let error as HallmarkError {
            throw error.inField(path)
        }
    }
}

extension HallmarkError {
    /// The error located at `path`, followed by the field the error names, if any: `indicators[3].confidence`.
    func inField(_ path: String) -> HallmarkError {
        var copy = self
        copy.location = location.map { IdentifierInput.field(path, $0) } ?? path.nonEmpty
        return copy
    }
}
