import HallmarkCore
import HallmarkPKI
import HallmarkRecords
import HallmarkStore

/// That an origin's certificate is on the alliance's revocation list in force: its entries stay auditable and are
/// marked with this.
public struct OriginRevocation: Sendable, Equatable {
    /// From when the certificate is revoked.
    public var since: Timestamp
    /// Why it was revoked.
    public var reason: RevocationReason
    /// The number of the revocation list that says so.
    public var listNumber: UInt64

    /// Creates a mark.
    /// - Parameters:
    ///   - since: From when the certificate is revoked.
    ///   - reason: Why.
    ///   - listNumber: The revocation list's number.
    public init(since: Timestamp, reason: RevocationReason, listNumber: UInt64) {
        self.since = since
        self.reason = reason
        self.listNumber = listNumber
    }

    /// Whether the origin's assertion `record` still makes an identifier listed: only when it certainly predates the
    /// revocation, that is when both its signed time and the time this node received it are before ``since``.
    ///
    /// This is how a node judges a revoked origin's checkpoints (`Protocol/revocation.md` §3), applied to what it
    /// already holds: for a `keyCompromise` the CA dates the revocation back to when the key may first have leaked,
    /// and an entry received after that may have been signed, and backdated, by whoever took the key. What the node
    /// held before is the member's own word and keeps counting; what came later is shown, marked, but counts for
    /// nothing.
    public func counts(_ record: AssertionRecord) -> Bool {
        max(record.lastSeen, record.receivedAt) < since
    }
}
