import HallmarkCore
import HallmarkRecords
import HallmarkStore
import Metrics

/// The metrics a member node records: checks by result, filter false positives, submissions by action, cosignatures
/// made, received and rejected, and (when scraped) the filter's fill, the listed table's size and the size of every
/// log held.
///
/// Made with the metrics factory in force when the node is made (`MetricsSystem.factory`, or a task-local one from
/// `withMetricsFactory`). Checks count once per batch, by the number of identifiers: a relaxed atomic add each.
struct MemberMetrics: Sendable {
    private let factory: any MetricsFactory
    private let listed: Counter
    private let notListed: Counter
    private let allowlisted: Counter
    private let falsePositives: Counter
    private let asserted: Counter
    private let retracted: Counter
    private let disputed: Counter
    private let filterInserted: Gauge
    private let filterCapacity: Gauge
    private let listedKeys: Gauge
    private let listedBytes: Gauge
    private let listedLoaded: Gauge
    private let cosignaturesMade: Counter
    private let cosignaturesReceived: Counter
    private let cosignaturesRejected: Counter

    init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
        func checks(_ result: Verdict.Status) -> Counter {
            Counter(label: "hallmark_checks_total", dimensions: [("result", result.rawValue)], factory: factory)
        }
        func submissions(_ action: EntryAction) -> Counter {
            Counter(label: "hallmark_submissions_total", dimensions: [("action", action.name)], factory: factory)
        }
        listed = checks(.listed)
        notListed = checks(.notListed)
        allowlisted = checks(.allowlisted)
        falsePositives = Counter(label: "hallmark_filter_false_positives_total", factory: factory)
        asserted = submissions(.assert)
        retracted = submissions(.retract)
        disputed = submissions(.dispute)
        filterInserted = Gauge(label: "hallmark_filter_inserted", factory: factory)
        filterCapacity = Gauge(label: "hallmark_filter_capacity", factory: factory)
        listedKeys = Gauge(label: "hallmark_listed_table_keys", factory: factory)
        listedBytes = Gauge(label: "hallmark_listed_table_bytes", factory: factory)
        listedLoaded = Gauge(label: "hallmark_listed_table_loaded", factory: factory)
        cosignaturesMade = Counter(label: "hallmark_cosignatures_made_total", factory: factory)
        cosignaturesReceived = Counter(label: "hallmark_cosignatures_received_total", factory: factory)
        cosignaturesRejected = Counter(label: "hallmark_cosignatures_rejected_total", factory: factory)
    }

    /// Counts one batch of checks by result, and the filter positives that the exact index did not confirm.
    func recordChecks(_ verdicts: some Collection<Verdict>) {
        var listed = 0, allowlisted = 0, falsePositives = 0
        for verdict in verdicts {
            switch verdict.status {
            case .listed: listed += 1
            case .allowlisted: allowlisted += 1
            case .notListed: break
            }
            if verdict.filterFalsePositive { falsePositives += 1 }
        }
        let notListed = verdicts.count - listed - allowlisted
        if listed > 0 { self.listed.increment(by: Int64(listed)) }
        if notListed > 0 { self.notListed.increment(by: Int64(notListed)) }
        if allowlisted > 0 { self.allowlisted.increment(by: Int64(allowlisted)) }
        if falsePositives > 0 { self.falsePositives.increment(by: Int64(falsePositives)) }
    }

    /// Counts entries appended to this member's own log.
    func recordSubmitted(_ action: EntryAction, count: Int) {
        guard count > 0 else { return }
        switch action {
        case .assert: asserted.increment(by: Int64(count))
        case .retract: retracted.increment(by: Int64(count))
        case .dispute: disputed.increment(by: Int64(count))
        }
    }

    /// Counts cosignatures this node made, and peers' cosignatures it verified and kept or rejected.
    func recordCosignatures(made: Int = 0, received: Int = 0, rejected: Int = 0) {
        if made > 0 { cosignaturesMade.increment(by: Int64(made)) }
        if received > 0 { cosignaturesReceived.increment(by: Int64(received)) }
        if rejected > 0 { cosignaturesRejected.increment(by: Int64(rejected)) }
    }

    /// Sets the gauges of state: the filter's fill and each log's size.
    func recordState(
        filter: FilterStatistics,
        listedTable: (count: Int, byteCount: Int, loaded: Bool),
        logs: [LogHead]
    ) {
        filterInserted.record(filter.insertedCount)
        filterCapacity.record(filter.capacity)
        listedKeys.record(listedTable.count)
        listedBytes.record(listedTable.byteCount)
        listedLoaded.record(listedTable.loaded ? 1 : 0)
        for log in logs {
            Gauge(label: "hallmark_log_entries", dimensions: [("origin", log.origin.rawValue)], factory: factory)
                .record(Int64(clamping: log.treeSize))
        }
    }
}
