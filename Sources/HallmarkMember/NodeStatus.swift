import Foundation
import HallmarkCore
import HallmarkRecords
import HallmarkStore

/// What `hallmark status` shows.
public struct NodeStatus: Sendable {
    /// This node's member.
    public var member: MemberID
    /// The data folder.
    public var dataDirectory: URL
    /// The alliance key id digests are made with.
    public var allianceKeyID: String
    /// The size of this member's own log.
    public var ownLogSize: UInt64
    /// Store figures: listed indicators by kind, logs held, filter.
    public var store: StoreStatistics
    /// The number of the alliance revocation list applied; `nil` when the node has none.
    public var revocationListNumber: UInt64?
    /// Batches that peers sent and this node rejected, by peer and origin.
    public var peerRejections: [PeerRejection]
    /// Origins whose logs take no new entries until an operator clears them (equivocation).
    public var quarantinedOrigins: [QuarantinedOrigin]
    /// Pieces of equivocation evidence kept.
    public var equivocationCount: Int
}
