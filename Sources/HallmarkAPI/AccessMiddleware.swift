import HTTPTypes
import HallmarkCore
import HallmarkMember
import HallmarkStore
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

    let member: MemberNode
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
            return Self.refusal(
                .unauthorized,
                code: "unauthorized",
                detail: "this API needs a bearer token: send 'Authorization: Bearer hm_…' "
                    + "(tokens are made with 'hallmark tokens create')",
                challenge: #"Bearer realm="hallmark""#,
                path: path
            )
        }
        guard let token = try await member.apiToken(presented: presented) else {
            logger.info("API request with an unknown or revoked token refused", metadata: ["http.path": "\(path)"])
            return Self.refusal(
                .unauthorized,
                code: "invalid-token",
                detail: "the bearer token is not one of this node's tokens, or it was revoked",
                challenge: #"Bearer realm="hallmark", error="invalid_token""#,
                path: path
            )
        }
        guard token.access.permits(needed) else {
            logger.info(
                "API request with a read-only token refused",
                metadata: ["http.path": "\(path)", "token.name": "\(token.name)"]
            )
            return Self.refusal(
                .forbidden,
                code: "insufficient-access",
                detail: "token '\(token.name)' is read-only; \(request.method.rawValue) \(path) needs a write token",
                challenge: #"Bearer realm="hallmark", error="insufficient_scope""#,
                path: path
            )
        }
        var context = context
        context.logger[metadataKey: "token.name"] = "\(token.name)"
        return try await next(request, context)
    }

    /// The token of an `Authorization: Bearer TOKEN` header (scheme name in any case); `nil` without one.
    static func bearerToken(in request: Request) -> String? {
        guard let value = request.headers[.authorization] else { return nil }
        let parts = value.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return String(parts[1].trimmingASCIIWhitespace())
    }

    private static func refusal(
        _ status: HTTPResponse.Status,
        code: String,
        detail: String,
        challenge: String,
        path: String
    ) -> Response {
        APIProblem(status, code: code, detail: detail).response(
            instance: path,
            headers: [.wwwAuthenticate: challenge]
        )
    }
}
