import Synchronization

/// Fires once, when the listener begins to shut down, so that long-lived watch streams end instead of
/// holding the graceful shutdown open forever.
final class ClosingSignal: Sendable {
    private struct State {
        var closed = false
        var nextWaiter = 0
        var waiting: [Int: CheckedContinuation<Void, Never>] = [:]
    }

    private let state = Mutex(State())

    /// Returns once ``close()`` has been called (at once if it already has), or once the waiting task is cancelled:
    /// a call that ends for another reason cancels it, and must not be held open until the listener shuts down.
    func wait() async {
        let waiter = state.withLock { state in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state in
                    if state.closed || Task.isCancelled { return true }
                    state.waiting[waiter] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiting.removeValue(forKey: waiter) }?.resume()
        }
    }

    /// Whether ``close()`` has been called.
    var isClosed: Bool { state.withLock { $0.closed } }

    /// Releases every waiter, now and later.
    func close() {
        let waiting = state.withLock { state in
            state.closed = true
            defer { state.waiting = [:] }
            return state.waiting.values
        }
        for continuation in waiting { continuation.resume() }
    }
}
