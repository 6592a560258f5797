import HallmarkCore
import HallmarkRecords
import HallmarkStore

/// The logs this node holds, as the federation serves and extends them: heads, checkpoints, entry bytes,
/// cosignatures, quarantines. Reads only; what arrives goes through ``receive(contentsOf:originCertificatePEM:)``.
extension Member {
    /// How much of `origin`'s log this node holds; `nil` when nothing.
    public func logHead(of origin: MemberID) async throws -> LogHead? {
        try await store.logHead(of: origin)
    }

    /// The latest signed checkpoint held of `origin`.
    public func latestCheckpoint(of origin: MemberID) async throws -> Checkpoint? {
        try await store.latestCheckpoint(of: origin)
    }

    /// The latest signed checkpoint of every origin held, with the origin's certificate (PEM) when recorded.
    public func latestCheckpoints() async throws -> [(checkpoint: Checkpoint, certificatePEM: String?)] {
        try await store.latestCheckpoints()
    }

    /// The signed checkpoint of `origin` at exactly `treeSize`, if held.
    /// - Throws: ``HallmarkError`` `invalid-value` when `treeSize` is over ``Checkpoint/maximumTreeSize``.
    public func checkpoint(of origin: MemberID, treeSize: UInt64) async throws -> Checkpoint? {
        try await store.checkpoint(of: origin, treeSize: treeSize)
    }

    /// The exact bytes of entries `range` of `origin`'s log, in order, as the origin produced them.
    /// - Throws: ``HallmarkError`` `not-found` when not all of them are held.
    public func entryBytes(of origin: MemberID, range: Range<UInt64>) async throws -> [[UInt8]] {
        try await store.entryBytes(origin: origin, range: range)
    }

    /// The certificate (PEM) that verifies `origin`'s checkpoints, when recorded.
    public func certificatePEM(of origin: MemberID) async throws -> String? {
        try await store.memberCertificatePEM(origin)
    }

    /// The cosignatures held of `checkpoint`, each with its cosigner's certificate.
    public func cosignatures(of checkpoint: Checkpoint) async throws -> [StoredCosignature] {
        try await store.cosignatures(of: checkpoint)
    }

    /// The quarantine of `origin` when its log takes no new entries (equivocation), else `nil`.
    public func quarantine(of origin: MemberID) async throws -> QuarantinedOrigin? {
        try await store.quarantine(of: origin)
    }

    /// Batches that peers sent and this node rejected, by peer and origin.
    public func peerRejections() async throws -> [PeerRejection] {
        try await store.peerRejections()
    }
}
