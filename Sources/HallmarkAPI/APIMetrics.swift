import Hummingbird
import Logging
import Metrics
import Synchronization

/// The metrics of the HTTP API: `hallmark_http_request_duration_seconds`, a histogram by method, route (the route's
/// pattern, such as `/v1/check/{kind}/{value}`, or `unmatched`: a bounded set) and status.
///
/// Made with the metrics factory in force when the server is made (`MetricsSystem.factory`, or a task-local one
/// from `withMetricsFactory`). One histogram per label set, kept here so that a request costs one lookup.
final class APIMetrics: Sendable {
    /// The name of the request duration histogram.
    static let requestDuration = "hallmark_http_request_duration_seconds"

    /// The histogram's upper bounds: from 100 µs, as most answers take well under a millisecond, to 10 s.
    static let requestDurationBuckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .microseconds(2500),
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
    ]

    private struct Series: Hashable {
        var method: HTTPRequest.Method
        var route: String
        var status: Int
    }

    private let factory: any MetricsFactory
    private let timers = Mutex<[Series: Metrics.Timer]>([:])

    init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
    }

    /// Records how long a request took to answer, and writes its access log line when a log is kept: one `info` line
    /// a request, with the route's pattern (never the identifiers in the path), the status and the time taken.
    /// - Parameters:
    ///   - route: The route's pattern; `nil` when no route matched.
    ///   - accessLog: Where the access log goes; `nil` keeps none.
    func record(
        _ method: HTTPRequest.Method,
        route: String?,
        status: HTTPResponse.Status,
        duration: Duration,
        accessLog: Logger?
    ) {
        let series = Series(method: method, route: route ?? "unmatched", status: status.code)
        timer(series).record(duration: duration)
        log(series, duration: duration, to: accessLog)
    }

    /// The histogram of `method`, `route` and `status`, for a caller that records many requests of one kind.
    func timer(_ method: HTTPRequest.Method, route: String, status: HTTPResponse.Status) -> Metrics.Timer {
        timer(Series(method: method, route: route, status: status.code))
    }

    /// Writes the access log line of a request when a log is kept.
    func log(
        _ method: HTTPRequest.Method,
        route: String,
        status: HTTPResponse.Status,
        duration: Duration,
        to accessLog: Logger?
    ) {
        log(Series(method: method, route: route, status: status.code), duration: duration, to: accessLog)
    }

    private func timer(_ series: Series) -> Metrics.Timer {
        timers.withLock { timers in
            if let timer = timers[series] { return timer }
            let timer = Metrics.Timer(
                label: Self.requestDuration,
                dimensions: [
                    ("method", series.method.rawValue), ("route", series.route), ("status", "\(series.status)"),
                ],
                factory: factory
            )
            timers[series] = timer
            return timer
        }
    }

    private func log(_ series: Series, duration: Duration, to accessLog: Logger?) {
        guard let accessLog else { return }
        let (seconds, attoseconds) = duration.components
        let milliseconds = Double(seconds) * 1_000 + Double(attoseconds) / 1e15
        accessLog.info(
            "request",
            metadata: [
                "http.method": "\(series.method.rawValue)", "http.route": "\(series.route)",
                "http.status": "\(series.status)", "http.duration_ms": "\((milliseconds * 1_000).rounded() / 1_000)",
            ]
        )
    }
}
