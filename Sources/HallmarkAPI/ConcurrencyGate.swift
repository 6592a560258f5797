import HTTPTypes
import HallmarkDocuments
import Synchronization

/// At most `limit` requests of one kind at once; more are answered `503` with code `busy`, to retry. For work that
/// costs a thread or much memory per request (hashing an image, building a TAXII page), so that a burst of such
/// requests cannot take the node's memory or the threads that serve checks.
final class ConcurrencyGate: Sendable {
    /// The requests admitted at once.
    let limit: Int
    /// What a refused request is told, naming the work under way.
    private let busyDetail: String
    private let running = Mutex(0)

    init(limit: Int, busyDetail: String) {
        self.limit = limit
        self.busyDetail = busyDetail
    }

    /// Runs `body` when fewer than ``limit`` run.
    /// - Throws: ``APIProblem`` `503` `busy` when ``limit`` already run; what `body` throws.
    func run<T>(_ body: () async throws -> T) async throws -> T {
        let admitted = running.withLock { count in
            guard count < limit else { return false }
            count += 1
            return true
        }
        guard admitted else { throw APIProblem(.serviceUnavailable, code: "busy", detail: busyDetail) }
        defer { running.withLock { $0 -= 1 } }
        return try await body()
    }
}
