import HallmarkCore
import HallmarkMember
import Metrics

/// The metrics the sync engine records, per peer: batches and entries committed, batches rejected, and the lag
/// (entries the peer offers that this node lacks).
///
/// Made with the metrics factory in force when the engine is made (`MetricsSystem.factory`, or a task-local one from
/// `withMetricsFactory`); the series of a peer are made on its first sync (the factory keeps one per label set).
struct FederationMetrics: Sendable {
    private let factory: any MetricsFactory

    init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
    }

    /// Counts what one sync with a peer did and sets its lag.
    /// - Parameters:
    ///   - report: What the sync did.
    ///   - status: The peer's status after it, whose lag covers every origin compared so far.
    func record(_ report: SyncReport, status: PeerSyncStatus) {
        let peer = [("peer", report.peer.member.rawValue)]
        Counter(label: "hallmark_sync_batches_total", dimensions: peer, factory: factory)
            .increment(by: Int64(report.batches))
        Counter(label: "hallmark_sync_entries_total", dimensions: peer, factory: factory)
            .increment(by: Int64(report.totalFetched))
        Counter(label: "hallmark_peer_batches_rejected_total", dimensions: peer, factory: factory)
            .increment(by: Int64(report.rejected.count))
        Gauge(label: "hallmark_sync_lag_entries", dimensions: peer, factory: factory)
            .record(Int64(clamping: status.lagEntries))
    }
}
