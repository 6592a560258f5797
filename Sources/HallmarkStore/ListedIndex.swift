import HallmarkCore
import HallmarkRecords
import Synchronization

/// The ``ListedTable`` a check reads, kept in step with the store: each append's changes are applied right after its
/// commit, in the same path that adds its digests to the filter.
///
/// Like the filter, a build (at start, or after another process wrote to the store) reads the store to the side and
/// is swapped in whole, with whatever was appended while it read; until the first build is in, or after
/// ``markStale()``, ``assertions(for:)`` answers `nil` and checks ask the store. Compactions are built outside the
/// lock too, so a check never waits for more than one lookup and never sees a half-built table. Like the filter, it
/// tracks how much of each log it reflects (``coveredSizes``), so that entries another process appended are noticed
/// on their own, whatever the filter's rebuilds read meanwhile.
final class ListedIndex: Sendable {
    private struct State {
        var table = ListedTable()
        var loaded = false
        /// The builds under way, each with the batches applied since it started reading the store.
        var journals: [UInt64: [Batch]] = [:]
        /// The size of each origin's log the table reflects; `nil` once a batch showed entries this process never
        /// saw (another process appended them).
        var coverage: [MemberID: UInt64]? = [:]
        var nextBuild: UInt64 = 0
        /// The latest-started build swapped in so far: an earlier-started one finishing later is older, and dropped.
        var swappedBuild: UInt64?
        /// Counts replacements of ``table`` by builds, so that a compaction of an older table is dropped.
        var generation: UInt64 = 0
        var compacting = false
        /// Builds with a lower id began reading before the store was last found changed behind this process's back
        /// (``markStale()``): they are dropped.
        var firstValidBuild: UInt64 = 0
    }

    /// One committed batch: what it changed, and how it took its origin's log from `startSize` to `endSize`.
    struct Batch: Sendable {
        var changes: [ListedTable.Change]
        var origin: MemberID
        var startSize: UInt64
        var endSize: UInt64
    }

    private let state = Mutex(State())
    /// Whether this store holds a table at all: a one-shot command does not, and every check it makes asks the store.
    let isEnabled: Bool

    init(enabled: Bool) {
        self.isEnabled = enabled
    }

    /// The listed assertions of each indicator, as ``ListedTable/assertions(kind:digest:)``; `nil` when the table is
    /// not loaded (not built yet, or stale), and the store must be asked.
    func assertions(for indicators: [(kind: IndicatorKind, digest: Hash256)]) -> [[AssertionRecord]]? {
        state.withLock { state in
            guard state.loaded else { return nil }
            return indicators.map { state.table.assertions(kind: $0.kind, digest: $0.digest) }
        }
    }

    /// ``assertions(for:)`` of one indicator.
    func assertions(kind: IndicatorKind, digest: Hash256) -> [AssertionRecord]? {
        state.withLock { state in
            guard state.loaded else { return nil }
            return state.table.assertions(kind: kind, digest: digest)
        }
    }

    /// Whether a build was swapped in and nothing made it stale since.
    var isLoaded: Bool { state.withLock { $0.loaded } }

    /// Applies a committed batch's changes, in order, and keeps them for the builds under way.
    func apply(_ batch: Batch) {
        guard isEnabled, batch.endSize > batch.startSize else { return }
        state.withLock { state in
            // A table not loaded is replaced whole by the next build: only the builds under way need the changes.
            if state.loaded { Self.apply(batch, to: &state.table, coverage: &state.coverage) }
            for id in state.journals.keys { state.journals[id]?.append(batch) }
        }
    }

    private static func apply(_ batch: Batch, to table: inout ListedTable, coverage: inout [MemberID: UInt64]?) {
        for change in batch.changes { table.apply(change) }
        LogCoverage.advance(&coverage, origin: batch.origin, from: batch.startSize, to: batch.endSize, size: \.self)
    }

    /// The size of each origin's log the table reflects; `nil` once it is known to miss entries another process
    /// appended.
    var coveredSizes: [MemberID: UInt64]? { state.withLock { $0.coverage } }

    /// Stops answering until the next build is swapped in: the store changed in ways this process did not see.
    func markStale() {
        state.withLock { state in
            state.loaded = false
            state.firstValidBuild = state.nextBuild
        }
    }

    /// Starts a build: from now on, what is applied is also kept for it. Call before reading the store.
    func beginBuild() -> UInt64 {
        state.withLock { state in
            let id = state.nextBuild
            state.nextBuild += 1
            state.journals[id] = []
            return id
        }
    }

    /// Forgets a build that failed.
    func abandonBuild(_ id: UInt64) {
        state.withLock { _ = $0.journals.removeValue(forKey: id) }
    }

    /// Swaps in `table`, read from the store after ``beginBuild()`` with the log sizes `sizes` (in the same read),
    /// with the batches applied since.
    /// - Returns: Whether it was swapped in (`false` when a build that started later already was).
    @discardableResult
    func finishBuild(_ id: UInt64, table: ListedTable, sizes: [MemberID: UInt64]) -> Bool {
        var table = table
        var coverage: [MemberID: UInt64]? = sizes
        // The journal is replayed outside the lock, then whatever came after under it.
        let journal = state.withLock { $0.journals[id] ?? [] }
        for batch in journal { Self.apply(batch, to: &table, coverage: &coverage) }
        return state.withLock { state in
            let rest = (state.journals.removeValue(forKey: id) ?? []).dropFirst(journal.count)
            if let swapped = state.swappedBuild, swapped > id { return false }
            guard id >= state.firstValidBuild else { return false }
            for batch in rest { Self.apply(batch, to: &table, coverage: &coverage) }
            state.table = table
            state.coverage = coverage
            state.generation += 1
            state.swappedBuild = id
            state.loaded = true
            return true
        }
    }

    /// Merges the table's overlay into a new sorted run once it has grown: built outside the lock from a copy, then
    /// swapped in with the changes applied meanwhile (unless a build replaced the table first).
    func compactIfNeeded() {
        guard let taken = takeForCompaction() else { return }
        compact(taken)
    }

    /// As ``compactIfNeeded()``, with the merge on a task of its own: the append that grew the overlay does not wait
    /// for it (about a tenth of a cold sync's time was spent merging, one core busy while the other idled).
    func compactInBackgroundIfNeeded() {
        guard let taken = takeForCompaction() else { return }
        Task.detached(priority: .utility) { self.compact(taken) }
    }

    /// The table to compact and its generation, marking a compaction under way; `nil` when none is due or one runs.
    private func takeForCompaction() -> (table: ListedTable, generation: UInt64)? {
        state.withLock { state in
            guard state.table.needsCompaction, !state.compacting else { return nil }
            state.compacting = true
            return (state.table, state.generation)
        }
    }

    private func compact(_ taken: (table: ListedTable, generation: UInt64)) {
        var compacted = taken.table.compacted()
        state.withLock { state in
            state.compacting = false
            guard state.generation == taken.generation else { return }
            compacted.carryOver(from: state.table, since: taken.table.latestSequence)
            state.table = compacted
        }
    }

    /// Figures for `hallmark status` and the metrics: listed keys and bytes held, roughly.
    var statistics: (count: Int, byteCount: Int) {
        state.withLock { ($0.table.approximateCount, $0.table.approximateByteCount) }
    }
}
