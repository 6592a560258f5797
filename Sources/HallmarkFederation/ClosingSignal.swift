import Synchronization

/// Fires once, when the listener begins to shut down, so that long-lived watch streams end instead of
/// holding the graceful shutdown open forever.
final class ClosingSignal: Sendable {
    private let state = Mutex<(closed: Bool, waiting: [CheckedContinuation<Void, Never>])>((false, []))

    /// Returns once ``close()`` has been called (at once if it already has).
    func wait() async {
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state in
                if state.closed { return true }
                state.waiting.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    /// Releases every waiter, now and later.
    func close() {
        let waiting = state.withLock { state in
            state.closed = true
            defer { state.waiting = [] }
            return state.waiting
        }
        for continuation in waiting { continuation.resume() }
    }
}
