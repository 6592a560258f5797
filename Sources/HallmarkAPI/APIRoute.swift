import Hummingbird

/// One route of the API: its method, its path as the OpenAPI document writes it (`/v1/check/{kind}/{value}`),
/// and what answers it.
struct APIRoute: Sendable {
    /// What answers a request to the route.
    typealias Handler = @Sendable (Request, BasicRequestContext) async throws -> Response

    var method: HTTPRequest.Method
    var path: String
    var handler: Handler

    /// The path as Hummingbird's router writes it: `{name}` becomes `:name`.
    var routerPath: String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            segment.hasPrefix("{") && segment.hasSuffix("}") ? ":" + segment.dropFirst().dropLast() : segment
        }.joined(separator: "/")
    }

    /// Whether a request path (raw, before percent-decoding) has this route's shape, whatever the method.
    func matches(path requestPath: String) -> Bool {
        let pattern = path.split(separator: "/", omittingEmptySubsequences: false)
        let segments = requestPath.split(separator: "/", omittingEmptySubsequences: false)
        guard pattern.count == segments.count else { return false }
        return zip(pattern, segments).allSatisfy { template, segment in
            template.hasPrefix("{") ? !segment.isEmpty : template == segment
        }
    }
}
