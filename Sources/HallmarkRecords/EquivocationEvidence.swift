import HallmarkCore

/// Proof that an origin signed two checkpoints that are inconsistent with each other (Protocol/PROTOCOL.md §4.3):
/// the one this node holds and the one a peer offered, as their exact bytes.
///
/// For this node's own origin it is proof instead that its key signed a checkpoint this node never made.
public struct EquivocationEvidence: Sendable, Equatable {
    /// The origin that signed both.
    public var origin: MemberID
    /// The checkpoint this node holds whose tree contradicts the offered one (the smallest it holds at or beyond
    /// the offered size, or its latest when the offered one is larger); `nil` when it holds none to show.
    public var heldCheckpoint: [UInt8]?
    /// The checkpoint the peer offered.
    public var offeredCheckpoint: [UInt8]
    /// The certificate (PEM) whose key verified the offered checkpoint.
    public var offeredCertificatePEM: String
    /// The peer that offered it.
    public var peer: MemberID
    /// When this node found it.
    public var detectedAt: Timestamp

    /// Creates evidence.
    public init(
        origin: MemberID,
        heldCheckpoint: [UInt8]?,
        offeredCheckpoint: [UInt8],
        offeredCertificatePEM: String,
        peer: MemberID,
        detectedAt: Timestamp
    ) {
        self.origin = origin
        self.heldCheckpoint = heldCheckpoint
        self.offeredCheckpoint = offeredCheckpoint
        self.offeredCertificatePEM = offeredCertificatePEM
        self.peer = peer
        self.detectedAt = detectedAt
    }
}
