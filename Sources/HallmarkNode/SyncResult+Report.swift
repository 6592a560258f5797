import HallmarkCore
import HallmarkDocuments
import HallmarkFederation

extension APIDocument.SyncResult {
    /// The document of what a round of sync did, as `POST /v1/sync` answers and `hallmark sync` prints it.
    public init(_ report: SyncReport) {
        self.init(
            peer: report.peer.description,
            fetched: report.fetched.sorted { $0.key < $1.key }.map {
                Fetched(origin: $0.key.rawValue, entries: $0.value)
            },
            batches: report.batches,
            rejected: report.rejected.map { RejectedLog(origin: $0.origin, reason: $0.reason) },
            quarantined: report.quarantined.map(\.rawValue),
            interrupted: report.interrupted
        )
    }
}
