import Foundation
import GRDB

@testable import HallmarkStore

/// Alters the entries of a store's file behind Hallmark's back, as someone holding the database file could: for
/// tests of what audits and `verify-store` report. Reads and writes the segments' stored form with `LogSegment`.
public enum StoreTampering {
    /// Rewrites the stored entries of `origin`'s log: `change` gets each entry's index and bytes and answers its new
    /// bytes, or `nil` to remove it (its segment splits around the gap).
    public static func alterEntries(
        ofStoreAt path: String,
        origin: String,
        _ change: @escaping @Sendable (UInt64, [UInt8]) -> [UInt8]?
    ) async throws {
        let database = try DatabaseQueue(path: path)
        defer { try? database.close() }
        try await database.write { db in
            let rows = try Row.fetchAll(
                db,
                sql:
                    "SELECT first_index, count, entries, receipts FROM log_segments WHERE origin = ? ORDER BY first_index",
                arguments: [origin]
            )
            try db.execute(sql: "DELETE FROM log_segments WHERE origin = ?", arguments: [origin])
            for row in rows {
                let stored = try LogSegment(
                    origin: origin,
                    firstIndex: UInt64(row[0] as Int64),
                    count: row[1],
                    entries: row[2],
                    receipts: row[3]
                )
                // Every part of a split segment keeps the segment's first receipt.
                let receipt = stored.receipt(at: 0)
                var part: LogSegment?
                func flush() throws {
                    guard let current = part, !current.entries.isEmpty else { return }
                    try db.execute(
                        sql:
                            "INSERT INTO log_segments (origin, first_index, count, entries, receipts) VALUES (?, ?, ?, ?, ?)",
                        arguments: [
                            origin, Int64(current.firstIndex), current.entries.count, current.encodedEntries,
                            current.encodedReceipts,
                        ]
                    )
                    part = nil
                }
                for (position, bytes) in stored.entries.enumerated() {
                    let index = stored.firstIndex + UInt64(position)
                    guard let changed = change(index, bytes) else {
                        try flush()
                        continue
                    }
                    if part == nil { part = LogSegment(firstIndex: index) }
                    part?.append(changed, from: receipt.from, at: receipt.at)
                }
                try flush()
            }
        }
    }
}
