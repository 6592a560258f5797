import Crypto
import Foundation
import HallmarkCore
import HallmarkRecords
import Logging
import Synchronization

/// The in-memory Bloom filter over every listed digest, with its on-disk snapshot, and beside it the near-match index
/// of every listed PDQ image hash (``PDQIndex``), which is rebuilt with the filter and built at open.
///
/// Lookups take the lock only for the few nanoseconds of the probe; a rebuilt filter is built
/// outside the lock and swapped in whole, so checks never wait for a rebuild. Batches appended while a
/// rebuild reads the store are kept in its journal and added before the swap, so none goes missing.
/// Retractions and expiries since the last rebuild are tracked (``FilterFreshness``) to tell when to rebuild.
final class FilterIndex: Sendable {
    /// The filter's target false-positive rate.
    static let falsePositiveRate = 0.001
    /// The smallest capacity a filter is built for, so that a young store does not resize often.
    static let minimumCapacity = 1 << 20

    struct State {
        var filter: SplitBlockBloomFilter
        var capacity: Int
        /// The log heads whose listed digests the filter holds; `nil` once another process has written to
        /// the store behind this one's back, when only a rebuild can say what the filter covers.
        var coverage: [MemberID: Coverage]?
        /// What the filter holds that no longer stands, or soon will not.
        var freshness = FilterFreshness()
        /// The rebuilds under way, each with what was inserted since it started reading the store.
        var journals: [UInt64: [Insertion]] = [:]
        var nextRebuild: UInt64 = 0
        /// The latest-started rebuild swapped in so far: an earlier-started one finishing later is older, and dropped.
        var swappedRebuild: UInt64?
        /// `false` until a first filter is loaded or built (``markUnloaded()``): every probe answers "maybe" meanwhile,
        /// so checks are answered from the exact index, slower but right.
        var loaded = true
        /// The listed `image-pdq` hashes, for near matches; like the filter, it may hold hashes no longer listed
        /// until a rebuild, and checks confirm every match against the store.
        var images = PDQIndex()
        /// Counts replacements of ``images`` (rebuilds and compactions), so that a compaction built aside from an
        /// older index is dropped.
        var imagesGeneration: UInt64 = 0
        /// Whether a service (``FilterMaintenance`` in a running node) rebuilds a filter grown past its capacity, so
        /// that the append that crossed it does not wait for the rebuild.
        var resizedInBackground = false
        /// Whether a compaction is being built: one at a time, however many appends finish meanwhile.
        var compactingImages = false

        /// Whether `count` more digests would take the filter past the count it was sized for (its false-positive
        /// rate would climb past the target).
        func lacksRoom(for count: Int) -> Bool { filter.insertedCount + count > capacity }
    }

    /// One batch's change to the filter, kept for the rebuilds under way.
    struct Insertion {
        var digests: [Hash256]
        /// The `image-pdq` hashes among ``digests``.
        var imageHashes: [Hash256]
        var origin: MemberID
        var startSize: UInt64
        var head: Coverage
        var retracted: Int
        var earliestExpiry: Timestamp?
        var time: Timestamp
    }

    /// How much of one origin's log the filter reflects.
    struct Coverage: Equatable {
        var treeSize: UInt64
        var rootHash: Hash256
    }

    let snapshotURL: URL
    let seed: UInt64
    private let state: Mutex<State>
    private let logger: Logger

    init(snapshotURL: URL, seed: UInt64, logger: Logger) {
        self.snapshotURL = snapshotURL
        self.seed = seed
        self.logger = logger
        let capacity = Self.minimumCapacity
        let filter = SplitBlockBloomFilter(
            expectedCount: capacity,
            falsePositiveRate: Self.falsePositiveRate,
            seed: seed
        )
        self.state = Mutex(State(filter: filter, capacity: capacity, coverage: [:]))
    }

    /// Whether `digest` may be listed; `false` is definitive.
    func mayContain(_ digest: Hash256) -> Bool {
        state.withLock { !$0.loaded || $0.filter.mayContain(digest) }
    }

    /// Probes many digests under one lock acquisition.
    func mayContain(_ digests: [Hash256]) -> [Bool] {
        state.withLock { state in digests.map { !state.loaded || state.filter.mayContain($0) } }
    }

    /// Leaves the filter unloaded until a rebuild finishes: every probe answers "maybe" meanwhile, and no snapshot is
    /// written (what it would cover is unknown).
    func markUnloaded() {
        state.withLock { state in
            state.loaded = false
            state.coverage = nil
        }
    }

    /// Whether a filter was loaded or built; see ``markUnloaded()``.
    var isLoaded: Bool { state.withLock { $0.loaded } }

    /// Adds the digests a batch listed, which took `origin`'s log from `startSize` to `head`, and notes its
    /// retractions and expiries; returns `true` when the filter now holds more than it was sized for and the caller
    /// should rebuild it (never while it is ``resizedInBackground``).
    @discardableResult
    func insert(_ insertion: Insertion) -> Bool {
        state.withLock { state in
            for digest in insertion.digests { state.filter.insert(digest) }
            for hash in insertion.imageHashes { state.images.insert(hash) }
            Self.apply(insertion, to: &state.coverage, freshness: &state.freshness)
            for id in state.journals.keys { state.journals[id]?.append(insertion) }
            return !state.resizedInBackground && state.lacksRoom(for: 0)
        }
    }

    /// Whether the filter holds more digests than it was sized for (its false-positive rate climbs past the target).
    var isOverCapacity: Bool { state.withLock { $0.lacksRoom(for: 0) } }

    /// Whether `count` more digests would take a loaded filter past its capacity.
    func lacksRoom(for count: Int) -> Bool { state.withLock { $0.loaded && $0.lacksRoom(for: count) } }

    /// Whether a service rebuilds the filter once it grows past its capacity (see ``insert(_:)``).
    var resizedInBackground: Bool {
        get { state.withLock { $0.resizedInBackground } }
        set { state.withLock { $0.resizedInBackground = newValue } }
    }

    /// Takes the filter's capacity as `capacity` until its next rebuild: lets a test cross it without a million digests.
    func assumeCapacity(_ capacity: Int) {
        state.withLock { $0.capacity = capacity }
    }

    private static func apply(
        _ insertion: Insertion,
        to coverage: inout [MemberID: Coverage]?,
        freshness: inout FilterFreshness
    ) {
        LogCoverage.advance(
            &coverage,
            origin: insertion.origin,
            from: insertion.startSize,
            to: insertion.head,
            size: \.treeSize
        )
        if insertion.retracted > 0 {
            freshness.retractions += insertion.retracted
            freshness.oldestRetraction = min(freshness.oldestRetraction ?? insertion.time, insertion.time)
        }
        if let expiry = insertion.earliestExpiry {
            freshness.nextExpiry = min(freshness.nextExpiry ?? expiry, expiry)
        }
    }

    /// Starts a rebuild: from now on, what is inserted is also kept for it. Call before reading the store.
    func beginRebuild() -> UInt64 {
        state.withLock { state in
            let id = state.nextRebuild
            state.nextRebuild += 1
            state.journals[id] = []
            return id
        }
    }

    /// Forgets a rebuild that failed before ``finishRebuild(_:digests:imageHashes:heads:nextExpiry:)``.
    func abandonRebuild(_ id: UInt64) {
        state.withLock { _ = $0.journals.removeValue(forKey: id) }
    }

    /// Swaps in a filter built from `digests`, the listed digests at `heads` (read after ``beginRebuild()``), sized
    /// with room to grow, plus whatever was inserted since the rebuild began, so that nothing committed meanwhile is
    /// missed; and a near-match index built from `imageHashes`, the `image-pdq` hashes among them. Both are built
    /// outside the lock: checks go on with the old ones until the swap.
    /// - Parameters:
    ///   - nextExpiry: The earliest expiry of a digest in `digests`.
    ///   - reserving: How many more digests the filter is to have room for (an import about to append them).
    /// - Returns: Whether it was swapped in (`false` when a rebuild that started later already was).
    @discardableResult
    func finishRebuild(
        _ id: UInt64,
        digests: [Hash256],
        imageHashes: [Hash256],
        heads: [LogHead],
        nextExpiry: Timestamp?,
        reserving reserve: Int = 0
    ) -> Bool {
        var images = PDQIndex(hashes: imageHashes)
        let capacity = max(Self.minimumCapacity, (digests.count + reserve) * 2)
        var filter = SplitBlockBloomFilter(
            expectedCount: capacity,
            falsePositiveRate: Self.falsePositiveRate,
            seed: seed
        )
        for digest in digests { filter.insert(digest) }
        return state.withLock { state in
            let journal = state.journals.removeValue(forKey: id) ?? []
            if let swapped = state.swappedRebuild, swapped > id { return false }
            var coverage: [MemberID: Coverage]? = Self.coverage(heads)
            var freshness = FilterFreshness(nextExpiry: nextExpiry)
            for insertion in journal {
                for digest in insertion.digests { filter.insert(digest) }
                for hash in insertion.imageHashes { images.insert(hash) }
                Self.apply(insertion, to: &coverage, freshness: &freshness)
            }
            state.filter = filter
            state.images = images
            state.imagesGeneration += 1
            state.capacity = capacity
            state.coverage = coverage
            state.freshness = freshness
            state.swappedRebuild = id
            state.loaded = true
            return true
        }
    }

    /// Replaces the filter with one built from `digests`, the listed digests at `heads`, and the near-match index
    /// with one of `imageHashes`; for when nothing else runs.
    func rebuild(from digests: [Hash256], imageHashes: [Hash256], heads: [LogHead], nextExpiry: Timestamp?) {
        finishRebuild(
            beginRebuild(),
            digests: digests,
            imageHashes: imageHashes,
            heads: heads,
            nextExpiry: nextExpiry
        )
    }

    /// Replaces the near-match index with one of `hashes` (the listed `image-pdq` hashes), for a filter loaded from
    /// its snapshot (which holds no image index); for when nothing else runs.
    func loadImages(_ hashes: [Hash256]) {
        let images = PDQIndex(hashes: hashes)
        state.withLock { state in
            state.images = images
            state.imagesGeneration += 1
        }
    }

    /// Every listed `image-pdq` hash within `distance` of `query`, nearest first; searched outside the lock, in the
    /// index as it was when the search began.
    func imageMatches(of query: Hash256, within distance: Int) -> [PDQMatch] {
        let images = state.withLock { $0.images }
        return images.matches(of: query, within: distance)
    }

    /// Builds the hashes inserted one by one since the near-match index was built into its tables, when enough
    /// have been: outside the lock, then swapped in with whatever was inserted meanwhile (unless a rebuild replaced
    /// the index first).
    func compactImagesIfNeeded() {
        let taken: (index: PDQIndex, generation: UInt64)? = state.withLock { state in
            guard state.images.needsCompaction, !state.compactingImages else { return nil }
            state.compactingImages = true
            return (state.images, state.imagesGeneration)
        }
        guard let (older, generation) = taken else { return }
        var compacted = older.compacted()
        state.withLock { state in
            state.compactingImages = false
            guard state.imagesGeneration == generation else { return }
            for hash in state.images.inserted(since: older) { compacted.insert(hash) }
            state.images = compacted
            state.imagesGeneration += 1
        }
    }

    /// Notes the earliest expiry of a listed digest, for a filter loaded from its snapshot.
    func noteNextExpiry(_ expiry: Timestamp?) {
        state.withLock { $0.freshness.nextExpiry = expiry }
    }

    /// What the filter holds that no longer stands, or soon will not.
    var freshness: FilterFreshness { state.withLock { $0.freshness } }

    /// The size of each origin's log whose listed digests the filter holds; `nil` once an insertion showed that
    /// another process appended entries this one never saw.
    var coveredSizes: [MemberID: UInt64]? {
        state.withLock { state in state.coverage?.mapValues(\.treeSize) }
    }

    static func coverage(_ heads: [LogHead]) -> [MemberID: Coverage] {
        Dictionary(
            uniqueKeysWithValues: heads.map { ($0.origin, Coverage(treeSize: $0.treeSize, rootHash: $0.rootHash)) }
        )
    }

    /// Identifies a state of the store: a hash over every log head (the state is a pure function of the logs).
    static func stateTag(_ coverage: [MemberID: Coverage]) -> Hash256 {
        var hasher = SHA256()
        hasher.update(data: Array("hallmark/v1/filter-state".utf8))
        for (origin, head) in coverage.sorted(by: { $0.key < $1.key }) {
            hasher.update(data: Array("\n\(origin.rawValue) \(head.treeSize) \(head.rootHash.hex)".utf8))
        }
        return Hash256(hasher.finalize())
    }

    /// Loads the snapshot if it exists, is intact, uses this store's seed and was taken at `heads`.
    /// - Returns: whether the snapshot was loaded; `false` means the caller must rebuild.
    func loadSnapshot(heads: [LogHead]) -> Bool {
        let coverage = Self.coverage(heads)
        let expectedStateTag = Self.stateTag(coverage)
        guard let bytes = FileManager.default.contents(atPath: snapshotURL.path) else { return false }
        do {
            let (filter, tag) = try SplitBlockBloomFilter.load(snapshot: bytes)
            guard tag == expectedStateTag, filter.seed == seed else {
                logger.info(
                    "filter snapshot is stale; rebuilding",
                    metadata: ["filter.snapshot": "\(snapshotURL.path)"]
                )
                return false
            }
            let capacity = max(Self.minimumCapacity, Self.capacity(of: filter))
            state.withLock { state in
                state.filter = filter
                state.capacity = capacity
                state.coverage = coverage
            }
            return true
        } catch {
            logger.warning(
                "filter snapshot is unreadable; rebuilding",
                metadata: ["filter.snapshot": "\(snapshotURL.path)", "error": "\(error)"]
            )
            return false
        }
    }

    /// The most digests `filter` holds at the target false-positive rate.
    static func capacity(of filter: SplitBlockBloomFilter) -> Int {
        var low = 0, high = filter.byteCount * 8
        while low < high {
            let middle = (low + high + 1) / 2
            if filter.expectedFalsePositiveRate(forCount: middle) <= falsePositiveRate {
                low = middle
            } else {
                high = middle - 1
            }
        }
        return low
    }

    /// Writes the snapshot atomically (a temporary file renamed over the old one), tagged with the state the
    /// filter reflects. When that is unknown (another process wrote to the store), nothing is written: the old
    /// snapshot's tag no longer matches the store, so the next start rebuilds.
    func saveSnapshot() throws {
        // The filter's value, not its words: they are shared until an insert copies them, and written from there.
        let (saved, loaded): ((filter: SplitBlockBloomFilter, tag: Hash256)?, Bool) = state.withLock { state in
            (state.coverage.map { (state.filter, Self.stateTag($0)) }, state.loaded)
        }
        guard let saved else {
            logger.info(
                loaded
                    ? "filter snapshot not saved: another process wrote to the store; the next start rebuilds it"
                    : "filter snapshot not saved: the filter was not built yet; the next start builds it"
            )
            return
        }
        let temporary = snapshotURL.appendingPathExtension("new")
        do {
            guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
                throw CocoaError(.fileWriteUnknown)
            }
            let handle = try FileHandle(forWritingTo: temporary)
            defer { try? handle.close() }
            try saved.filter.writeSnapshot(stateTag: saved.tag, to: handle)
            try handle.synchronize()
            // Renamed over the old snapshot: a reader finds the old one or the new one whole, never a part.
            guard rename(temporary.path, snapshotURL.path) == 0 else {
                throw POSIXError(.init(rawValue: errno) ?? .EIO)
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw HallmarkError(
                .fileProblem,
                "cannot write the filter snapshot: \(error.localizedDescription)",
                location: snapshotURL.path
            )
        }
    }

    /// Figures for `hallmark status`.
    var statistics: FilterStatistics {
        state.withLock { state in
            FilterStatistics(
                byteCount: state.filter.byteCount,
                insertedCount: state.filter.insertedCount,
                capacity: state.capacity,
                expectedFalsePositiveRate: state.filter.expectedFalsePositiveRate(forCount: state.filter.insertedCount),
                imageHashCount: state.images.count
            )
        }
    }
}
