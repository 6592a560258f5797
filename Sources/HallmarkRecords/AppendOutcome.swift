/// What appending a batch changed.
public struct AppendOutcome: Sendable, Equatable {
    /// Entries newly stored; 0 when the store already held the whole batch.
    public var appended: Int
    /// The origin's tree size afterwards.
    public var treeSize: UInt64

    /// Creates an outcome.
    public init(appended: Int, treeSize: UInt64) {
        self.appended = appended
        self.treeSize = treeSize
    }
}
