import HallmarkCore
import HallmarkRecords
import HallmarkStore
import Logging
import ServiceLifecycle

/// Keeps what a check consults in memory fresh while the node runs: builds the listed table when it is not loaded,
/// rebuilds the Bloom filter in the background
/// once retractions or expiries have made it stale (``Policy``) or another process appended entries it never saw
/// (``catchUp(after:)``), and reloads the allowlist when another process (such as `hallmark allowlist add` beside the
/// node) changed it.
///
/// A rebuild is built off to the side and swapped in whole: checks running meanwhile never wait and never see a
/// half-built filter, and what is appended meanwhile is carried over.
public struct FilterMaintenance: Service {
    /// When a stale filter is rebuilt.
    public struct Policy: Sendable {
        /// Rebuild as soon as this many retractions were appended since the last rebuild.
        public var retractionThreshold: Int
        /// Rebuild once a retraction or a lapsed expiry has been in the filter this long, however few there are.
        public var maximumStaleness: Duration
        /// How often to look.
        public var pollInterval: Duration

        /// Creates a policy.
        /// - Parameters:
        ///   - retractionThreshold: Retractions that trigger a rebuild at once (at least 1).
        ///   - maximumStaleness: The longest a retracted or expired digest stays in the filter.
        ///   - pollInterval: How often to look.
        public init(
            retractionThreshold: Int = 1_000,
            maximumStaleness: Duration = .seconds(60),
            pollInterval: Duration = .seconds(1)
        ) {
            self.retractionThreshold = max(1, retractionThreshold)
            self.maximumStaleness = maximumStaleness
            self.pollInterval = pollInterval
        }

        /// Why a filter in the state `freshness` should be rebuilt at `time`, or `nil` when it should not yet.
        public func rebuildReason(for freshness: FilterFreshness, at time: Timestamp) -> String? {
            if freshness.retractions >= retractionThreshold { return "retractions" }
            guard let since = freshness.staleSince(at: time) else { return nil }
            // In Double: an expiry read from a damaged store may be any Int64, and the difference must not overflow.
            let waited = (Double(time.millisecondsSince1970) - Double(since.millisecondsSince1970)) / 1000
            guard waited >= maximumStaleness / .seconds(1) else { return nil }
            return since == freshness.oldestRetraction ? "retractions" : "expiry"
        }
    }

    let store: HallmarkStore
    let policy: Policy
    let logger: Logger

    /// Maintains `member`'s filter by `policy`.
    /// - Parameters:
    ///   - member: The member whose store's filter is kept.
    ///   - policy: When to rebuild.
    ///   - logger: Where rebuilds and failures are reported.
    public init(member: Member, policy: Policy = Policy(), logger: Logger) {
        self.init(store: member.store, policy: policy, logger: logger)
    }

    /// Maintains `store`'s filter by `policy` (for tests of a store without a member).
    package init(store: HallmarkStore, policy: Policy = Policy(), logger: Logger) {
        self.store = store
        self.policy = policy
        self.logger = logger
    }

    /// Looks every ``Policy/pollInterval`` until graceful shutdown or cancellation.
    public func run() async throws {
        // Appends no longer rebuild a filter they grow past its capacity: ``maintain(at:)`` does, within a poll.
        store.isFilterResizedInBackground = true
        defer { store.isFilterResizedInBackground = false }
        var seen: [MemberID: UInt64] = [:]
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            await buildIfUnloaded()
            await maintain()
            seen = await catchUp(after: seen)
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: policy.pollInterval) }
            } catch {
                break
            }
        }
    }

    /// Builds the filter of a store opened with `deferringFilterBuild` and writes its snapshot, so that the node
    /// becomes ready; does nothing when the filter is loaded. Failures are logged; the next look tries again.
    public func buildIfUnloaded() async {
        do {
            if !store.isFilterLoaded {
                try await store.rebuildFilter(reason: "start: no usable snapshot")
                await store.saveFilterSnapshotOrWarn()
            }
            if store.holdsListedTable, !store.isListedTableLoaded {
                try await store.rebuildListedTable(reason: "not loaded")
            }
        } catch {
            logger.warning(
                "building the filter or the listed table failed; trying again later",
                metadata: ["error": "\(error)"]
            )
        }
    }

    /// One look: reloads the allowlist if another process changed it, and rebuilds the filter if it outgrew its
    /// capacity or the policy says so at `time`. Failures are logged; the next look tries again.
    /// - Returns: The rebuild, when one was made.
    @discardableResult
    public func maintain(at time: Timestamp = .now()) async -> FilterRebuild? {
        do {
            if try await store.refreshAllowlist() {
                logger.info("allowlist reloaded: another process changed it")
            }
            if store.isFilterOverCapacity { return try await store.rebuildFilter(reason: "capacity") }
            guard let reason = policy.rebuildReason(for: store.filterFreshness, at: time) else { return nil }
            return try await store.rebuildFilter(reason: reason)
        } catch {
            logger.warning("filter maintenance failed; trying again later", metadata: ["error": "\(error)"])
            return nil
        }
    }

    /// Rebuilds the filter, and the listed table, when the store holds entries they never saw: appended by another
    /// process, such as `hallmark sync` or `hallmark import` run beside the node. An append in this process adds its
    /// changes to both right after its commit, so a log that the store already held at `seen` (the previous look)
    /// and either still does not cover was written elsewhere. Each is judged by its own coverage: a filter rebuilt
    /// meanwhile (for retractions) has read those entries, the table has not. Failures are logged; the next look
    /// tries again.
    /// - Parameter seen: Each origin's log size in the store at the previous look.
    /// - Returns: The log sizes now, for the next look.
    public func catchUp(after seen: [MemberID: UInt64]) async -> [MemberID: UInt64] {
        do {
            let heads = try await store.logHeads()
            let covered = store.filterCoverage
            let behind = seen.contains { origin, size in (covered?[origin] ?? 0) < size }
            if covered == nil || behind {
                try await store.rebuildFilter(reason: "entries appended by another process")
            }
            // The listed table on its own account: a filter rebuilt for retractions meanwhile read those entries too.
            if store.holdsListedTable, store.isListedTableLoaded {
                let held = store.listedTableCoverage
                if held == nil || seen.contains(where: { origin, size in (held?[origin] ?? 0) < size }) {
                    // What the other process retracted or changed is not in the table: checks ask the store meanwhile.
                    store.markListedTableStale()
                    try await store.rebuildListedTable(reason: "entries appended by another process")
                }
            }
            return Dictionary(heads.map { ($0.origin, $0.treeSize) }, uniquingKeysWith: max)
        } catch {
            logger.warning("filter maintenance failed; trying again later", metadata: ["error": "\(error)"])
            return seen
        }
    }
}
