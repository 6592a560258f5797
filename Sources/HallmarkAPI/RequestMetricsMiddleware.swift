import Hummingbird
import Logging

/// Times every request, answered by a route or not, into ``APIMetrics``, and writes the access log when one is kept;
/// outermost, so that it sees the status of the problem responses that ``ProblemMiddleware`` makes of errors.
struct RequestMetricsMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext

    let metrics: APIMetrics
    /// Where the access log goes: one `info` line a request, with the route's pattern (never the identifiers in the
    /// path), the status and the time taken; `nil` keeps none.
    let accessLog: Logger?

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            record(request, context, status: response.status, duration: .now - start)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status ?? .internalServerError
            record(request, context, status: status, duration: .now - start)
            throw error
        }
    }

    private func record(_ request: Request, _ context: Context, status: HTTPResponse.Status, duration: Duration) {
        let route = route(context)
        metrics.record(request.method, route: route, status: status, duration: duration)
        guard let accessLog else { return }
        let (seconds, attoseconds) = duration.components
        let milliseconds = Double(seconds) * 1_000 + Double(attoseconds) / 1e15
        accessLog.info(
            "request",
            metadata: [
                "http.method": "\(request.method.rawValue)", "http.route": "\(route ?? "unmatched")",
                "http.status": "\(status.code)", "http.duration_ms": "\((milliseconds * 1_000).rounded() / 1_000)",
            ]
        )
    }

    /// The pattern of the route that answered, as the router registered it; `nil` when none matched.
    private func route(_ context: Context) -> String? {
        guard let path = context.endpointPath, path != "NotFound" else { return nil }
        return path
    }
}
