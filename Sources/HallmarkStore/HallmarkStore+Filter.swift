import Crypto
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
        let tag = try await database.read { db in try Self.stateTag(in: db) }
        try filter.saveSnapshot(stateTag: tag)
    }

    /// Rebuilds the filter from the folded state, dropping retracted and expired indicators.
    public func rebuildFilter() async throws {
        let now = Timestamp.now().millisecondsSince1970
        let digests = try await database.read { db in try Self.listedDigests(now: now, in: db) }
        filter.rebuild(from: digests)
    }

    func loadFilter() throws {
        let (tag, digests): (Hash256, [Hash256]?) = try database.read { db in
            let tag = try Self.stateTag(in: db)
            if filter.loadSnapshot(expectedStateTag: tag) { return (tag, nil) }
            return (tag, try Self.listedDigests(now: Timestamp.now().millisecondsSince1970, in: db))
        }
        if let digests {
            filter.rebuild(from: digests)
            logger.info("filter rebuilt from the store", metadata: ["filter.digests": "\(digests.count)"])
            try filter.saveSnapshot(stateTag: tag)
        }
    }

    /// Identifies the state the filter was built from: a hash over every log head.
    ///
    /// The state is a pure function of the logs held (DESIGN principle 3), so equal heads mean an equal state.
    static func stateTag(in db: Database) throws -> Hash256 {
        var hasher = SHA256()
        hasher.update(data: Array("hallmark/v1/filter-state".utf8))
        for head in try allLogHeads(in: db) {
            hasher.update(data: Array("\n\(head.origin.rawValue) \(head.treeSize) \(head.rootHash.hex)".utf8))
        }
        return Hash256(hasher.finalize())
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
