/// What a rebuild of the Bloom filter did.
public struct FilterRebuild: Sendable, Equatable {
    /// The listed digests the new filter was built from (what was appended during the rebuild comes on top).
    public var digestCount: Int
    /// How long reading the store and building the filter took.
    public var duration: Duration
    /// Whether the new filter was swapped in: `false` when a rebuild that started later was swapped in first.
    public var swapped: Bool

    /// Creates a record of a rebuild.
    /// - Parameters:
    ///   - digestCount: The digests the filter was built from.
    ///   - duration: How long it took.
    ///   - swapped: Whether it replaced the filter in use.
    public init(digestCount: Int, duration: Duration, swapped: Bool) {
        self.digestCount = digestCount
        self.duration = duration
        self.swapped = swapped
    }
}

extension Duration {
    /// Whole milliseconds, for log lines.
    var milliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }
}
