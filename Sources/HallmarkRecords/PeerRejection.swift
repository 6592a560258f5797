import HallmarkCore

/// Batches of one origin's log that a peer sent and this node rejected, summarized: how many, when, and the
/// latest reason.
public struct PeerRejection: Sendable, Equatable {
    /// The peer, as its certificate names it.
    public var peer: MemberID
    /// The origin of the rejected batches as the peer named it; `*` gathers a peer's rejections beyond
    /// ``HallmarkStore/maximumRejectionOriginsPerPeer`` origins.
    public var origin: String
    /// Why the latest batch was rejected.
    public var reason: String
    /// When the first batch was rejected.
    public var firstAt: Timestamp
    /// When the latest batch was rejected.
    public var lastAt: Timestamp
    /// How many batches were rejected.
    public var count: Int

    /// Creates a record.
    public init(peer: MemberID, origin: String, reason: String, firstAt: Timestamp, lastAt: Timestamp, count: Int) {
        self.peer = peer
        self.origin = origin
        self.reason = reason
        self.firstAt = firstAt
        self.lastAt = lastAt
        self.count = count
    }
}
