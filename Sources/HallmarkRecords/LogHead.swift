import HallmarkCore

/// How much of one origin's log a store holds.
public struct LogHead: Sendable, Equatable {
    /// The origin whose log this is.
    public var origin: MemberID
    /// The number of entries held.
    public var treeSize: UInt64
    /// The Merkle root over those entries, as signed in the latest checkpoint.
    public var rootHash: Hash256
    /// The compact Merkle state that extends the log without reading its leaves.
    public var frontier: MerkleFrontier

    /// Creates the record from its fields.
    public init(
        origin: MemberID,
        treeSize: UInt64,
        rootHash: Hash256,
        frontier: MerkleFrontier
    ) {
        self.origin = origin
        self.treeSize = treeSize
        self.rootHash = rootHash
        self.frontier = frontier
    }
}
