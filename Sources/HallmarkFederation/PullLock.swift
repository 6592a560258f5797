/// Lets one pull at a time commit into the store, so that two peers offering the same origin never race to
/// append the same range (the loser would be rejected as out of order and its peer wrongly reported).
public actor PullLock {
    /// A lock with no pull running.
    public init() {}

    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    /// Runs `body` once no other pull runs.
    public func run<T: Sendable>(_ body: @Sendable () async throws -> T) async rethrows -> T {
        while busy {
            await withCheckedContinuation { waiting.append($0) }
        }
        busy = true
        defer {
            busy = false
            if !waiting.isEmpty { waiting.removeFirst().resume() }
        }
        return try await body()
    }
}
