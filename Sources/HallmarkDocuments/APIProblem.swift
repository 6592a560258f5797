import HTTPTypes
import HallmarkCore

/// An RFC 9457 problem: what the API answers instead of a result, as `application/problem+json`.
///
/// Members: `type` (`urn:hallmark:problem:CODE`), `title`, `status`, `detail` (what is wrong, for a person),
/// `instance` (the request path), and the extensions `code` (a ``HallmarkError/Code`` name or an HTTP one such as
/// `not-found`) and `field` (where in the request the problem is, such as `identifiers[3].kind`), when known.
public struct APIProblem: Error, Sendable, Equatable, Codable {
    /// The problem type, `urn:hallmark:problem:` followed by ``code``.
    public var type: String
    /// A short summary of the type.
    public var title: String
    /// The HTTP status code.
    public var status: Int
    /// What is wrong, for a person.
    public var detail: String
    /// The request path.
    public var instance: String?
    /// A stable, machine-readable name of the problem class.
    public var code: String
    /// Where in the request the problem is: a JSON path such as `identifiers[3].kind`, or a path parameter name.
    public var field: String?

    /// The media type of a problem document.
    public static let mediaType = "application/problem+json"

    /// Creates a problem.
    /// - Parameters:
    ///   - status: The HTTP status.
    ///   - code: A stable name of the problem class.
    ///   - detail: What is wrong.
    ///   - field: Where in the request, if known.
    public init(_ status: HTTPResponse.Status, code: String, detail: String, field: String? = nil) {
        self.type = "urn:hallmark:problem:\(code)"
        self.title = status.reasonPhrase
        self.status = status.code
        self.detail = detail
        self.code = code
        self.field = field
    }

    /// The problem for a ``HallmarkError``: `400` for bad input, `422` for a request the node's state refuses
    /// (retracting what this member does not assert, disputing what is not there), `502` for a peer that failed
    /// (`POST /v1/sync`), `507` for a full disk (nothing stored), `503` for work a node shutting down stopped, `500` for
    /// anything else.
    /// - Parameters:
    ///   - error: The error.
    ///   - reading: Whether the request only reads (a GET): then what is not held is a missing resource, `404`.
    public init(_ error: HallmarkError, reading: Bool = false) {
        let status: HTTPResponse.Status
        switch error.code {
        case .invalidValue, .unknownKind, .malformed: status = .badRequest
        case .notFound where reading: status = .notFound
        case .notPermitted, .notFound: status = .unprocessableContent
        // A peer this node called (`POST /v1/sync`) failed or refused: the gateway's status.
        case .peerProblem: status = .badGateway
        // RFC 4918's "cannot store the representation needed to complete the request": retry once space returns.
        case .storageFull: status = HTTPResponse.Status(code: 507, reasonPhrase: "Insufficient Storage")
        case .unavailable: status = .serviceUnavailable
        default: status = .internalServerError
        }
        self.init(status, code: error.code.name, detail: error.message, field: error.location)
    }
}

extension APIProblem {
    /// A batch past ``APILimits/maximumBatch``: `413`, naming the field that holds it.
    public static func batchTooLarge(_ field: String, count: Int) -> APIProblem {
        APIProblem(
            .contentTooLarge,
            code: "too-large",
            detail: "\(field) holds \(count) items, the limit is \(APILimits.maximumBatch) a request",
            field: field
        )
    }
}
