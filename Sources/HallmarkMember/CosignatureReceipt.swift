/// What became of the cosignatures a peer offered with one checkpoint (``Member/receiveCosignatures(_:of:from:)``).
public struct CosignatureReceipt: Sendable, Equatable {
    /// One cosignature refused, and why.
    public struct Rejection: Sendable, Equatable {
        /// The cosigner as the peer named it.
        public var cosigner: String
        /// Why it was refused.
        public var reason: String
    }

    /// Cosignatures verified and newly kept.
    public var kept = 0
    /// Cosignatures not looked at: of a checkpoint this node does not hold, or by a cosigner whose cosignature of it
    /// is already kept.
    public var skipped = 0
    /// Cosignatures that failed verification: ignored, each recorded against the peer.
    public var rejected: [Rejection] = []

    /// An empty receipt.
    public init() {}
}
