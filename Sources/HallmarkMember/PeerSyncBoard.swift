import HallmarkCore
import Synchronization

/// The latest ``PeerSyncStatus`` of every peer this node syncs with: written by the sync loops, read by the API.
public final class PeerSyncBoard: Sendable {
    private let statuses = Mutex<[MemberID: PeerSyncStatus]>([:])

    /// An empty board.
    public init() {}

    /// The latest status of `peer`; `nil` before its first sync ended.
    public func status(of peer: MemberID) -> PeerSyncStatus? {
        statuses.withLock { $0[peer] }
    }

    /// Every peer with a status, by member id.
    public var all: [MemberID: PeerSyncStatus] {
        statuses.withLock { $0 }
    }

    /// Records how a sync with `peer` ended; lags of origins not compared this time are kept from before.
    /// - Returns: The peer's status afterwards.
    @discardableResult
    public func record(_ status: PeerSyncStatus, for peer: MemberID) -> PeerSyncStatus {
        statuses.withLock { statuses in
            var status = status
            status.lagByOrigin.merge(statuses[peer]?.lagByOrigin ?? [:]) { new, _ in new }
            statuses[peer] = status
            return status
        }
    }
}
