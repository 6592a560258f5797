/// Accumulates the time spent in timed regions, and the operations done in them.
struct Stopwatch {
    private(set) var elapsed: Duration = .zero
    private(set) var operations = 0

    /// Times `body`, which performs `operations` operations.
    @inline(__always)
    mutating func time<T>(operations: Int, _ body: () throws -> T) rethrows -> T {
        let clock = ContinuousClock()
        let start = clock.now
        defer { elapsed += clock.now - start }
        let result = try body()
        self.operations += operations
        return result
    }

    /// Nanoseconds per operation.
    var nanosecondsPerOperation: Double {
        let (seconds, attoseconds) = elapsed.components
        return (Double(seconds) * 1e9 + Double(attoseconds) / 1e9) / Double(max(operations, 1))
    }

    /// Whether this took less time per operation than `other`.
    func isFaster(than other: Stopwatch) -> Bool {
        nanosecondsPerOperation < other.nanosecondsPerOperation
    }

    /// Operations per second.
    var operationsPerSecond: Double { 1e9 / nanosecondsPerOperation }
}
