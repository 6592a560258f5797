import Foundation
import GRDB
import HallmarkCore
import Logging

extension HallmarkStore {
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

    /// Writes the filter snapshot so that the next start skips the rebuild.
    public func saveFilterSnapshot() async throws {
        try filter.saveSnapshot()
    }

    /// Rebuilds the filter from the folded state, dropping retracted and expired indicators.
    public func rebuildFilter() async throws {
        let now = Timestamp.now().millisecondsSince1970
        let (digests, heads) = try await database.read { db in
            (try Self.listedDigests(now: now, in: db), try Self.allLogHeads(in: db))
        }
        filter.rebuild(from: digests, heads: heads)
    }

    func loadFilter() throws {
        let (heads, digests): ([LogHead], [Hash256]?) = try database.read { db in
            let heads = try Self.allLogHeads(in: db)
            if filter.loadSnapshot(heads: heads) { return (heads, nil) }
            return (heads, try Self.listedDigests(now: Timestamp.now().millisecondsSince1970, in: db))
        }
        if let digests {
            filter.rebuild(from: digests, heads: heads)
            logger.info("filter rebuilt from the store", metadata: ["filter.digests": "\(digests.count)"])
            try filter.saveSnapshot()
        }
    }

    static func listedDigests(now: Int64, in db: Database) throws -> [Hash256] {
        var digests: [Hash256] = []
        let cursor = try Data.fetchCursor(
            db,
            sql: "SELECT DISTINCT digest FROM assertions WHERE listed = 1 AND (expires IS NULL OR expires > ?)",
            arguments: [now]
        )
        while let data = try cursor.next() { digests.append(try Hash256(bytes: data)) }
        return digests
    }
}
