import HallmarkCore

/// A cosignature of one checkpoint as this store keeps it: verified, with the certificate that verified it and how it
/// reached this node.
public struct StoredCosignature: Sendable, Equatable {
    /// The origin of the checkpoint cosigned.
    public var origin: MemberID
    /// SHA-256 of the cosigned checkpoint's signed body (``Checkpoint/bodyHash``).
    public var checkpointBodyHash: Hash256
    /// The cosigned checkpoint's tree size.
    public var treeSize: UInt64
    /// The cosignature.
    public var cosignature: Cosignature
    /// The cosigner's member certificate (PEM) whose key verified it.
    public var certificatePEM: String
    /// The peer that gossiped it; the cosigner itself for this node's own.
    public var receivedFrom: MemberID
    /// When this node kept it.
    public var receivedAt: Timestamp

    /// A cosignature of `checkpoint` to keep.
    /// - Parameters:
    ///   - cosignature: The cosignature, already verified over `checkpoint`.
    ///   - checkpoint: The checkpoint it cosigns.
    ///   - certificatePEM: The cosigner's certificate that verified it.
    ///   - receivedFrom: The peer that gossiped it, or the cosigner for this node's own.
    ///   - receivedAt: When.
    public init(
        _ cosignature: Cosignature,
        of checkpoint: Checkpoint,
        certificatePEM: String,
        receivedFrom: MemberID,
        receivedAt: Timestamp = .now()
    ) {
        self.origin = checkpoint.origin
        self.checkpointBodyHash = checkpoint.bodyHash
        self.treeSize = checkpoint.treeSize
        self.cosignature = cosignature
        self.certificatePEM = certificatePEM
        self.receivedFrom = receivedFrom
        self.receivedAt = receivedAt
    }

    /// The cosigning member.
    public var cosigner: MemberID { cosignature.cosigner }
}
