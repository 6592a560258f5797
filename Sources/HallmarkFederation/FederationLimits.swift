import HallmarkCore

/// The limits of federation protocol v1 (Protocol/PROTOCOL.md), enforced on both sides.
public enum FederationLimits {
    /// The protocol version this node speaks.
    public static let protocolVersion = HallmarkVersion.protocolVersion
    /// The largest message, either way.
    public static let maximumMessageBytes = 4 << 20
    /// Entries per chunk when the caller does not say.
    public static let defaultEntriesPerChunk = 1024
    /// The most entries a chunk may hold.
    public static let maximumEntriesPerChunk = 8192
    /// The largest certificate a head may carry.
    public static let maximumCertificateBytes = 16 << 10
    /// The most cosignatures a head may carry (Protocol/PROTOCOL.md §5).
    public static let maximumCosignaturesPerHead = 64
    /// The most right-subtree hashes a chunk may carry (one per bit of a 64-bit tree size, twice over).
    public static let maximumRightSubtrees = 128
    /// How long a fetch waits for the peer's next chunk before it gives up on the peer (it is reported as a rejection
    /// of that peer, and the next round resumes after what was committed); `fetch_idle_timeout_seconds` sets it.
    public static let defaultFetchIdleTimeout: Duration = .seconds(30)
    /// The most heads taken from one GetHeads answer: an alliance has hundreds of members, not thousands. A larger
    /// answer is rejected whole and counted against the peer.
    public static let maximumHeadsPerAnswer = 4_096
    /// Heads of one peer rejected in one round after which the rest of its heads wait for the next round.
    public static let maximumRejectedHeadsPerRound = 16
    /// Requests and new heads of an Offer call waiting for this node's answers (Protocol/PROTOCOL.md §4.5): its peer
    /// sends one request at a time, so a backlog this long is misbehaviour, and what is over it goes unanswered.
    public static let maximumOfferBacklog = 1_024
}
