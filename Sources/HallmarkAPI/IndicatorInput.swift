import HallmarkCore
import HallmarkMember

/// One indicator in `POST /v1/indicators`: `kind` and `value` required; `confidence` (0–100), `reason`, `expires`
/// (a duration such as `30d`, or a UTC date) and `note` optional, with the defaults of `hallmark submit`.
struct IndicatorInput: Decodable, Sendable {
    var kind: String
    var value: String
    var confidence: Int?
    var reason: String?
    var expires: String?
    var note: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case kind, value, confidence, reason, expires, note
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.knownFields(CodingKeys.self)
        kind = try container.decode(String.self, forKey: .kind)
        value = try container.decode(String.self, forKey: .value)
        // Read as a number first so that 9.5 is reported at its field rather than as unreadable JSON.
        if let number = try container.decodeIfPresent(Double.self, forKey: .confidence) {
            guard let whole = Int(exactly: number) else {
                throw DecodingError.dataCorrupted(
                    DecodingError.Context(
                        codingPath: container.codingPath + [CodingKeys.confidence],
                        debugDescription: "expected a whole number from 0 to 100"
                    )
                )
            }
            confidence = whole
        }
        reason = try container.decodeIfPresent(String.self, forKey: .reason)
        expires = try container.decodeIfPresent(String.self, forKey: .expires)
        note = try container.decodeIfPresent(String.self, forKey: .note)
    }

    /// The submission, validated as `hallmark submit` and `hallmark import` validate theirs.
    /// - Parameter path: Where this input is in the request, such as `indicators[3]`.
    /// - Throws: ``HallmarkError`` located at the field that is wrong.
    func submission(at path: String, now: Timestamp) throws -> Submission {
        let identifier = try IdentifierInput(kind: kind, value: value).identifier(at: path)
        do {
            return try Submission(
                identifier: identifier,
                confidence: confidence,
                reason: reason,
                expires: expires,
                note: note,
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
