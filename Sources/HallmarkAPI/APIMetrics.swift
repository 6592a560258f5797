import Hummingbird
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

    /// Records how long a request took to answer.
    /// - Parameters:
    ///   - route: The route's pattern; `nil` when no route matched.
    func record(_ method: HTTPRequest.Method, route: String?, status: HTTPResponse.Status, duration: Duration) {
        let series = Series(method: method, route: route ?? "unmatched", status: status.code)
        let timer = timers.withLock { timers in
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
        timer.record(duration: duration)
    }
}
