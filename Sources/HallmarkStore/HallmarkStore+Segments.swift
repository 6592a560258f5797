import Foundation
import GRDB
import HallmarkCore
import HallmarkRecords

// The logs' entries as segments (`log_segments`, see LogSegment) and the index from an indicator to the entries about
// it (`indicator_entries`): every read and write of entries goes through here.
extension HallmarkStore {
    /// One stored entry as read from its segment.
    struct SegmentEntry {
        var index: UInt64
        var bytes: [UInt8]
        var receipt: LogSegment.Receipt
    }

    /// The key of `indicator_entries` for a digest: its first 8 bytes as a signed integer. Entries of other indicators
    /// that share it are told apart by decoding them.
    static func indicatorKey(_ digest: Hash256) -> Int64 { Int64(bitPattern: digest.w0) }

    /// Stores `items`, the entries of `origin`'s log from the end of what is stored, and indexes them by indicator.
    static func storeEntries(
        _ items: [LogBatch.Item],
        of origin: MemberID,
        receivedFrom: MemberID,
        at receivedAt: Int64,
        in db: Database
    ) throws {
        guard let first = items.first?.entry.index else { return }
        var writer = try SegmentWriter(origin: origin.rawValue, from: first, in: db)
        var keys: [SegmentWriter.IndexKey] = []
        for item in items {
            try writer.add(index: item.entry.index, bytes: item.bytes, from: receivedFrom.rawValue, at: receivedAt)
            keys.append(
                .init(key: indicatorKey(item.entry.digest), index: try Int64(sqlite: item.entry.index, "index"))
            )
        }
        try writer.finish()
        try writer.index(keys)
    }

    /// Writes one origin's entries, in index order, into segments and the indicator index.
    struct SegmentWriter {
        private let origin: String
        private let number: Int64
        private var segment: LogSegment
        private let index: EntryStatement
        private let write: Statement

        /// Continues the origin's last segment when it ends at `first` and is still small (``LogSegment/takesMore``),
        /// so that a log growing a few entries at a time does not end up in a row per commit.
        init(origin: String, from first: UInt64, in db: Database) throws {
            self.origin = origin
            try db.cachedStatement(sql: "INSERT INTO log_origins (origin) VALUES (?) ON CONFLICT (origin) DO NOTHING")
                .execute(arguments: [origin])
            guard
                let number: Int64 = try db.storedValue(
                    in: "log_origins",
                    sql: "SELECT id FROM log_origins WHERE origin = ?",
                    arguments: [origin]
                )
            else {
                throw HallmarkError(.storeProblem, "no number recorded for origin \(origin)", location: "log_origins")
            }
            self.number = number
            let last = try HallmarkStore.lastSegment(of: origin, in: db)
            segment = last.flatMap { $0.endIndex == first && $0.takesMore ? $0 : nil } ?? LogSegment(firstIndex: first)
            index = try EntryStatement(
                db,
                sql: "INSERT OR IGNORE INTO indicator_entries (key, origin_id, log_index) VALUES (?, ?, ?)"
            )
            write = try db.cachedStatement(
                sql: """
                    INSERT INTO log_segments (origin, first_index, count, entries, receipts) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (origin, first_index) DO UPDATE SET
                        count = excluded.count, entries = excluded.entries, receipts = excluded.receipts
                    """
            )
        }

        /// Adds entry `index` (the next, or one after a gap a damaged store left) to the segments; ``index(_:)`` adds
        /// it to the indicator index.
        mutating func add(index position: UInt64, bytes: [UInt8], from: String, at time: Int64) throws {
            if position != segment.endIndex || segment.isFull(adding: bytes.count) {
                try finish()
                segment = LogSegment(firstIndex: position)
            }
            segment.append(bytes, from: from, at: time)
        }

        /// An entry of the origin's log in the indicator index: its indicator's ``HallmarkStore/indicatorKey(_:)`` and
        /// its index.
        struct IndexKey: Comparable {
            var key: Int64
            var index: Int64

            static func < (a: IndexKey, b: IndexKey) -> Bool { (a.key, a.index) < (b.key, b.index) }
        }

        /// Adds entries of the origin's log to the indicator index, in the index's order (inserts at random keys each
        /// reach a random page of the B-tree; see ``HallmarkStore/keyOrder(of:)``).
        func index(_ keys: [IndexKey]) throws {
            for entry in keys.sorted() {
                index.bind(entry.key, at: 1)
                index.bind(number, at: 2)
                index.bind(entry.index, at: 3)
                try index.run()
            }
        }

        /// Writes the segment in progress.
        func finish() throws {
            guard !segment.entries.isEmpty else { return }
            try write.execute(arguments: [
                origin, try Int64(sqlite: segment.firstIndex, "index"), segment.entries.count,
                segment.encodedEntries, segment.encodedReceipts,
            ])
        }
    }

    /// The origin's last segment, when it has room for more entries: a full one (every segment of a sync's chunks of
    /// 1 024) is not read and unpacked only to be left as it is.
    private static func lastSegment(of origin: String, in db: Database) throws -> LogSegment? {
        try Row.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT \(segmentColumns) FROM (
                        SELECT rowid AS id, count AS held FROM log_segments WHERE origin = ? ORDER BY first_index DESC LIMIT 1
                    ) last JOIN log_segments ON log_segments.rowid = last.id
                    WHERE last.held < ?
                    """
            ),
            arguments: [origin, LogSegment.maximumEntries]
        ).map { try segment(of: origin, from: $0) }
    }

    /// The columns of `log_segments` that ``segment(of:from:at:)`` reads, in its order.
    private static let segmentColumns = "first_index, count, entries, receipts"

    /// The segment in the columns ``segmentColumns`` of `row`, starting at `first`.
    private static func segment(of origin: String, from row: Row, at first: Int = 0) throws -> LogSegment {
        try LogSegment(
            origin: origin,
            firstIndex: UInt64(stored: row.stored(at: first, in: "log_segments"), "first_index"),
            count: row.stored(at: first + 1, in: "log_segments"),
            entries: row.stored(at: first + 2, in: "log_segments"),
            receipts: row.stored(at: first + 3, in: "log_segments")
        )
    }

    /// Calls `body` with every stored entry of `origin` within `range`, in index order (a gap in the store shows as
    /// skipped indexes). Stops early when `body` returns `false`.
    static func forEachEntry(
        of origin: MemberID,
        in range: Range<UInt64>,
        in db: Database,
        _ body: (SegmentEntry) throws -> Bool
    ) throws {
        guard !range.isEmpty else { return }
        let lower = try Int64(sqlite: range.lowerBound, "start")
        let upper = Int64(clamping: range.upperBound)
        // The segment holding the range's first entry starts at or before it.
        let start: Int64 =
            try db.storedValue(
                in: "log_segments",
                sql: "SELECT MAX(first_index) FROM log_segments WHERE origin = ? AND first_index <= ?",
                arguments: [origin.rawValue, lower]
            ) ?? lower
        let rows = try Row.fetchCursor(
            db.cachedStatement(
                sql: """
                    SELECT \(segmentColumns) FROM log_segments
                    WHERE origin = ? AND first_index >= ? AND first_index < ? ORDER BY first_index
                    """
            ),
            arguments: [origin.rawValue, start, upper]
        )
        while let row = try rows.next() {
            for entry in entries(of: try segment(of: origin.rawValue, from: row), within: range) {
                guard try body(entry) else { return }
            }
        }
    }

    /// The entries of `segment` whose indexes fall within `range`, with their indexes and receipts.
    private static func entries(of segment: LogSegment, within range: Range<UInt64>) -> some Sequence<SegmentEntry> {
        segment.entries.indices.lazy.compactMap { position in
            let index = segment.firstIndex + UInt64(truncatingIfNeeded: position)
            guard range.contains(index) else { return nil }
            return SegmentEntry(index: index, bytes: segment.entries[position], receipt: segment.receipt(at: position))
        }
    }

    /// Calls `body` with every stored entry of every origin, in origin and log order.
    static func forEachStoredEntry(in db: Database, _ body: (String, SegmentEntry) throws -> Void) throws {
        let rows = try Row.fetchCursor(
            db,
            sql: "SELECT origin, \(segmentColumns) FROM log_segments ORDER BY origin, first_index"
        )
        while let row = try rows.next() {
            let origin: String = try row.stored(at: 0, in: "log_segments")
            for entry in entries(of: try segment(of: origin, from: row, at: 1), within: 0..<UInt64.max) {
                try body(origin, entry)
            }
        }
    }

    /// The stored entries `range` of `origin`'s log, in order.
    /// - Throws: ``HallmarkError`` with `missing` (`store-problem` or `not-found`) when any is not stored.
    static func entries(
        of origin: MemberID,
        in range: Range<UInt64>,
        missing: HallmarkError.Code,
        in db: Database
    ) throws -> [SegmentEntry] {
        var result: [SegmentEntry] = []
        result.reserveCapacity(Int(clamping: min(range.upperBound - range.lowerBound, Self.reservedRows)))
        try forEachEntry(of: origin, in: range, in: db) { entry in
            guard entry.index == range.lowerBound + UInt64(truncatingIfNeeded: result.count) else { return false }
            result.append(entry)
            return true
        }
        guard result.count == range.count else {
            throw HallmarkError(missing, "the store holds \(result.count) of entries \(range) of \(origin)")
        }
        return result
    }

    /// The stored entry `index` of `origin`'s log, if any.
    static func entry(of origin: MemberID, index: UInt64, in db: Database) throws -> SegmentEntry? {
        guard index < .max else { return nil }
        var found: SegmentEntry?
        try forEachEntry(of: origin, in: index..<(index + 1), in: db) { entry in
            found = entry
            return false
        }
        return found
    }

    /// Every stored entry about an indicator, in origin and log order.
    static func entries(kind: IndicatorKind, digest: Hash256, in db: Database) throws -> [StoredEntry] {
        let positions = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT o.origin, i.log_index FROM indicator_entries i JOIN log_origins o ON o.id = i.origin_id
                    WHERE i.key = ? ORDER BY o.origin, i.log_index
                    """
            ),
            arguments: [indicatorKey(digest)]
        )
        var result: [StoredEntry] = []
        for row in positions {
            let origin = try MemberID(row.stored(at: 0, in: "log_origins") as String)
            let index = try UInt64(stored: row.stored(at: 1, in: "indicator_entries"), "log_index")
            guard let stored = try entry(of: origin, index: index, in: db) else {
                throw HallmarkError(
                    .storeProblem,
                    "the indicator index names entry \(origin)#\(index), which the store does not hold; "
                        + "run 'hallmark audit verify-store'",
                    location: "indicator_entries"
                )
            }
            let entry = try Entry(decoding: stored.bytes)
            // Another indicator whose digest starts with the same 8 bytes.
            guard entry.kind == kind, entry.digest == digest else { continue }
            result.append(
                StoredEntry(
                    entry: entry,
                    bytes: stored.bytes,
                    leafHash: MerkleHash.leaf(stored.bytes),
                    receivedFrom: try MemberID(stored.receipt.from),
                    receivedAt: Timestamp(millisecondsSince1970: stored.receipt.at)
                )
            )
        }
        return result
    }
}
