import HTTPTypes
import HallmarkCore
import HallmarkDocuments
import HallmarkMember
import HallmarkRecords
import Hummingbird
import Logging

/// Lets a request through only with the access its route needs, from a bearer token (`Authorization: Bearer hm_…`)
/// that the node's store holds and has not revoked.
///
/// On a listener that requires tokens (TCP bound to an address that is not loopback) every route but `/healthz` and
/// `/readyz` needs a token. Elsewhere (loopback, the control socket) a request without a token is let through, but a
/// token that is sent is still checked, so that a client's mistake shows before it moves off loopback.
/// Tokens are looked up in the store at every request: one created or revoked by `hallmark tokens` counts at once.
struct AccessMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext

    let member: Member
    /// Whether a request without a token is refused.
    let tokensRequired: Bool
    let logger: Logger

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let path = request.uri.path
        guard let needed = APIServer.requiredAccess(method: request.method, path: path) else {
            return try await next(request, context)
        }
        guard let presented = Self.bearerToken(in: request) else {
            guard tokensRequired else { return try await next(request, context) }
            let detail =
                "this API needs a bearer token: send 'Authorization: Bearer hm_…' (made with 'hallmark tokens create')"
            return refusal(.unauthorized, "unauthorized", detail, path: path)
        }
        guard let token = try await member.apiToken(presented: presented) else {
            let detail = "the bearer token is not one of this node's tokens, or it was revoked"
            return refusal(.unauthorized, "invalid-token", detail, challenge: "invalid_token", path: path)
        }
        guard token.access.permits(needed) else {
            let detail = "token '\(token.name)' is read-only; \(request.method.rawValue) \(path) needs a write token"
            return refusal(.forbidden, "insufficient-access", detail, challenge: "insufficient_scope", path: path)
        }
        var context = context
        context.logger[metadataKey: "token.name"] = "\(token.name)"
        return try await next(request, context)
    }

    /// A problem response with a `WWW-Authenticate: Bearer` challenge (RFC 6750), carrying `error` when a token was
    /// sent and refused, which is then logged.
    private func refusal(
        _ status: HTTPResponse.Status,
        _ code: String,
        _ detail: String,
        challenge error: String? = nil,
        path: String
    ) -> Response {
        var challenge = #"Bearer realm="hallmark""#
        if let error {
            challenge += #", error="\#(error)""#
            logger.info("API request refused", metadata: ["http.path": "\(path)", "api.refusal": "\(detail)"])
        }
        return APIProblem(status, code: code, detail: detail).response(
            instance: path,
            headers: [.wwwAuthenticate: challenge]
        )
    }

    /// The token of an `Authorization: Bearer TOKEN` header (scheme name in any case); `nil` without one.
    static func bearerToken(in request: Request) -> String? {
        guard let value = request.headers[.authorization] else { return nil }
        let parts = value.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return String(parts[1].trimmingASCIIWhitespace())
    }
}
