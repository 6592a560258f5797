import Hummingbird
import Logging

/// Times every request, answered by a route or not, into ``APIMetrics``, and writes the access log when one is kept;
/// outermost, so that it sees the status of the problem responses that ``ProblemMiddleware`` makes of errors.
struct RequestMetricsMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext

    let metrics: APIMetrics
    /// Where the access log goes (see ``APIMetrics/record(_:route:status:duration:accessLog:)``); `nil` keeps none.
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
        metrics.record(request.method, route: route(context), status: status, duration: duration, accessLog: accessLog)
    }

    /// The pattern of the route that answered, as the router registered it; `nil` when none matched.
    private func route(_ context: Context) -> String? {
        guard let path = context.endpointPath, path != "NotFound" else { return nil }
        return path
    }
}
