import Foundation
import GRDB
import HallmarkCore
import HallmarkRecords
import Logging

extension HallmarkStore {
    /// Every `image-pdq` hash that was listed when the near-match index last took it in, within `distance` bits of
    /// `query`, nearest first. A match may have been retracted or have expired since: confirm it against the store.
    public func imageMatches(of query: Hash256, within distance: Int) -> [PDQMatch] {
        filter.imageMatches(of: query, within: distance)
    }

    /// Whether `digest` may be listed, from the Bloom filter alone: `false` is definitive, `true` must be confirmed.
    public func mayBeListed(_ digest: Hash256) -> Bool {
        filter.mayContain(digest)
    }

    /// ``mayBeListed(_:)`` for many digests at once.
    public func mayBeListed(_ digests: [Hash256]) -> [Bool] {
        filter.mayContain(digests)
    }

    /// Size and accuracy of the filter.
    public var filterStatistics: FilterStatistics { filter.statistics }

    /// Whether the filter is loaded; `false` only while a store opened with `deferringFilterBuild` builds it, when
    /// every check is confirmed against the exact index (right, but slower).
    public var isFilterLoaded: Bool { filter.isLoaded }

    /// Writes the filter snapshot so that the next start skips the rebuild.
    public func saveFilterSnapshot() async throws {
        try filter.saveSnapshot()
    }

    /// Writes the filter snapshot, logging a warning when it cannot (a full disk): the snapshot is a cache, and a
    /// store without a current one rebuilds its filter when opened, so nothing is lost but time.
    public func saveFilterSnapshotOrWarn() async {
        saveSnapshotOrWarn()
    }

    func saveSnapshotOrWarn() {
        do {
            try filter.saveSnapshot()
        } catch {
            logger.warning(
                "cannot save the filter snapshot; the next start rebuilds the filter",
                metadata: ["error": "\(error)"]
            )
        }
    }

    /// What the filter holds that no longer stands, or soon will not.
    public var filterFreshness: FilterFreshness { filter.freshness }

    /// Whether the filter holds more listed digests than it was sized for and should be rebuilt larger.
    public var isFilterOverCapacity: Bool { filter.isOverCapacity }

    /// Whether a service rebuilds the filter once it outgrows its capacity (``FilterMaintenance`` sets it while it
    /// runs); otherwise the append that outgrows it rebuilds it before returning.
    public var isFilterResizedInBackground: Bool {
        get { filter.resizedInBackground }
        set { filter.resizedInBackground = newValue }
    }

    /// Takes the filter's capacity as `capacity` until its next rebuild, for tests of what outgrowing it does.
    package func assumeFilterCapacity(_ capacity: Int) {
        filter.assumeCapacity(capacity)
    }

    /// The size of each origin's log that the filter reflects; `nil` once it is known to miss entries that another
    /// process (such as `hallmark sync` beside a running node) appended to the store.
    public var filterCoverage: [MemberID: UInt64]? { filter.coveredSizes }

    /// Rebuilds the filter from the folded state, dropping retracted and expired indicators, and swaps it in whole.
    ///
    /// Checks go on with the old filter meanwhile, and what is appended meanwhile is added to the new one.
    /// - Parameter reason: Why, for the log line that reports the rebuild.
    /// - Returns: How many digests the new filter holds, and how long the rebuild took.
    @discardableResult
    public func rebuildFilter(reason: String = "requested") async throws -> FilterRebuild {
        try await rebuildFilter(reason: reason, reserving: 0)
    }

    /// Sizes the filter, before a large append, for `count` more listed digests: rebuilds it now when they would take
    /// it past its capacity, so that the append does not outgrow it part way. Each such rebuild reads every listed
    /// digest, and an import of 10 M indicators into a young store would cross four capacities, each rebuild holding
    /// all the digests read so far in memory.
    /// - Returns: The rebuild, when one was needed.
    @discardableResult
    public func reserveFilterRoom(for count: Int) async throws -> FilterRebuild? {
        guard filter.lacksRoom(for: count) else { return nil }
        return try await rebuildFilter(reason: "room for \(count) more", reserving: count)
    }

    private func rebuildFilter(reason: String, reserving reserve: Int) async throws -> FilterRebuild {
        let clock = ContinuousClock()
        let start = clock.now
        let id = filter.beginRebuild()
        let now = Timestamp.now()
        let (digests, imageHashes, heads, nextExpiry): ([Hash256], [Hash256], [LogHead], Timestamp?)
        do {
            (digests, imageHashes, heads, nextExpiry) = try await database.read { db in
                (
                    try Self.listedDigests(now: now.millisecondsSince1970, in: db),
                    try Self.listedDigests(of: .imagePDQ, now: now.millisecondsSince1970, in: db),
                    try Self.allLogHeads(in: db),
                    try Self.nextExpiry(after: now, in: db)
                )
            }
        } catch {
            filter.abandonRebuild(id)
            throw error
        }
        let swapped = filter.finishRebuild(
            id,
            digests: digests,
            imageHashes: imageHashes,
            heads: heads,
            nextExpiry: nextExpiry,
            reserving: reserve
        )
        let rebuild = FilterRebuild(digestCount: digests.count, duration: clock.now - start, swapped: swapped)
        logger.info(
            "filter rebuilt",
            metadata: [
                "filter.reason": "\(reason)", "filter.digests": "\(digests.count)",
                "filter.duration_ms": "\(rebuild.duration.milliseconds)", "filter.swapped": "\(swapped)",
            ]
        )
        return rebuild
    }

    func loadFilter(deferringBuild: Bool) throws {
        let now = Timestamp.now()
        // The image hashes are read whatever happens to the filter: a range of the assertions' key, quick even when
        // the filter's build is deferred, and no snapshot holds them.
        let (heads, loaded, digests, imageHashes, nextExpiry): ([LogHead], Bool, [Hash256]?, [Hash256], Timestamp?) =
            try database.read { db in
                let heads = try Self.allLogHeads(in: db)
                let nextExpiry = try Self.nextExpiry(after: now, in: db)
                let images = try Self.listedDigests(of: .imagePDQ, now: now.millisecondsSince1970, in: db)
                if filter.loadSnapshot(heads: heads) { return (heads, true, nil, images, nextExpiry) }
                if deferringBuild { return (heads, false, nil, images, nextExpiry) }
                let digests = try Self.listedDigests(now: now.millisecondsSince1970, in: db)
                return (heads, false, digests, images, nextExpiry)
            }
        if loaded {
            filter.noteNextExpiry(nextExpiry)
            filter.loadImages(imageHashes)
        } else if let digests {
            filter.rebuild(from: digests, imageHashes: imageHashes, heads: heads, nextExpiry: nextExpiry)
            logger.info("filter rebuilt from the store", metadata: ["filter.digests": "\(digests.count)"])
            saveSnapshotOrWarn()
        } else {
            filter.loadImages(imageHashes)
            filter.markUnloaded()
            logger.info("filter not loaded yet: checks are answered from the store's index until it is built")
        }
    }

    /// The earliest expiry after `time` of an assertion that stands.
    static func nextExpiry(after time: Timestamp, in db: Database) throws -> Timestamp? {
        try Int64.fetchOne(
            db,
            sql: "SELECT MIN(expires) FROM assertions WHERE listed = 1 AND expires > ?",
            arguments: [time.millisecondsSince1970]
        ).map(Timestamp.init(millisecondsSince1970:))
    }

    /// Every digest of `kinds` listed and not expired now, each once: what a member filter file holds.
    public func listedDigests(of kinds: [IndicatorKind]) async throws -> [Hash256] {
        let now = Timestamp.now().millisecondsSince1970
        return try await database.read { db in
            try Set(kinds).sorted().flatMap { try Self.listedDigests(of: $0, now: now, in: db) }
        }
    }

    /// Every digest listed and not expired at `now`; of `kind` only, when given.
    static func listedDigests(of kind: IndicatorKind? = nil, now: Int64, in db: Database) throws -> [Hash256] {
        var digests: [Hash256] = []
        let cursor =
            if let kind {
                try Row.fetchCursor(
                    db,
                    sql: """
                        SELECT DISTINCT digest FROM assertions
                        WHERE kind = ? AND listed = 1 AND (expires IS NULL OR expires > ?)
                        """,
                    arguments: [kind.name, now]
                )
            } else {
                try Row.fetchCursor(
                    db,
                    sql: "SELECT DISTINCT digest FROM assertions WHERE listed = 1 AND (expires IS NULL OR expires > ?)",
                    arguments: [now]
                )
            }
        while let row = try cursor.next() {
            digests.append(try Hash256(bytes: row.stored(at: 0, in: "assertions") as Data))
        }
        return digests
    }
}
