import HallmarkCore
import Synchronization

/// The TCP port a listener bound, for whoever asks before or after it is known.
final class BoundPort: Sendable {
    private struct State {
        var result: Result<Int, HallmarkError>?
        var waiters: [CheckedContinuation<Int, any Error>] = []
    }

    private let state = Mutex(State())

    /// The port, once bound.
    /// - Throws: ``HallmarkError`` when the listener stopped or failed before binding.
    var value: Int {
        get async throws {
            try await withCheckedThrowingContinuation { continuation in
                let result: Result<Int, HallmarkError>? = state.withLock { state in
                    if state.result == nil { state.waiters.append(continuation) }
                    return state.result
                }
                if let result { continuation.resume(with: result) }
            }
        }
    }

    /// Settles the port (the first call wins) and wakes whoever waits for it.
    func settle(_ result: Result<Int, HallmarkError>) {
        let waiters = state.withLock { state -> [CheckedContinuation<Int, any Error>] in
            guard state.result == nil else { return [] }
            state.result = result
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(with: result.mapError { $0 as any Error }) }
    }
}
