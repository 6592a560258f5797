import Synchronization

/// The Unix socket listeners still to come up; ``ready`` settles when the last one listens with its owner-only mode,
/// so that a caller waiting for the server finds its sockets ready too.
final class SocketCountdown: Sendable {
    private let pending: Mutex<Int>
    /// Settled (with 0) once every socket listens, or with the server's failure.
    let ready = BoundPort()

    init(_ count: Int) {
        pending = Mutex(count)
        if count == 0 { ready.settle(.success(0)) }
    }

    /// One more socket listens.
    func listening() {
        let left = pending.withLock { pending in
            pending -= 1
            return pending
        }
        if left == 0 { ready.settle(.success(0)) }
    }
}
