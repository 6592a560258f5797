import HallmarkCore
import HallmarkMember

/// The request bodies of `Protocol/http-api.openapi.json` that the client sends, made from validated values.
extension NodeClient {
    /// `POST /v1/indicators`.
    struct IndicatorsBody: Encodable {
        var indicators: [IndicatorBody]
    }

    /// One indicator: every field explicit, so that the node applies no default of its own.
    struct IndicatorBody: Encodable {
        var kind: String
        var value: String
        var confidence: Int
        var reason: String
        var expires: String?
        var note: String

        init(_ submission: Submission) {
            kind = submission.identifier.kind.name
            value = submission.identifier.normalized
            confidence = submission.confidence
            reason = submission.reason
            expires = submission.expires?.iso8601
            note = submission.note
        }
    }

    /// One identifier, given raw (normalized: normalizing again changes nothing).
    struct IdentifierBody: Encodable {
        var kind: String
        var value: String

        init(_ identifier: Identifier) {
            kind = identifier.kind.name
            value = identifier.normalized
        }
    }

    /// `POST /v1/check`.
    struct CheckBody: Encodable {
        var identifiers: [IdentifierBody]
    }

    /// `POST /v1/retractions`.
    struct RetractionsBody: Encodable {
        var identifiers: [IdentifierBody]
        var note: String
    }

    /// `POST /v1/disputes`.
    struct DisputeBody: Encodable {
        var kind: String
        var value: String
        var origin: String
        var reason: String
        var note: String
    }
}
