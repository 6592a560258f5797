import Foundation
import GRDB

/// Alters the entries of a store's file behind Hallmark's back, as someone holding the database file could: for
/// tests of what audits and `verify-store` report. Reads and writes the segments' stored form itself (each entry's
/// length in 4 big-endian bytes, then its bytes; a receipt per run: start, time, name), so that a change to that form
/// shows up here as a failing test.
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
                sql: "SELECT first_index, entries, receipts FROM log_segments WHERE origin = ? ORDER BY first_index",
                arguments: [origin]
            )
            try db.execute(sql: "DELETE FROM log_segments WHERE origin = ?", arguments: [origin])
            for row in rows {
                let first = UInt64(row[0] as Int64)
                let receipt = firstReceipt(row[2] as Data)
                var part: (first: UInt64, entries: [[UInt8]])?
                func flush() throws {
                    guard let current = part, !current.entries.isEmpty else { return }
                    var entries = Data()
                    for bytes in current.entries {
                        entries.append(contentsOf: withUnsafeBytes(of: UInt32(bytes.count).bigEndian, Array.init))
                        entries.append(contentsOf: bytes)
                    }
                    try db.execute(
                        sql:
                            "INSERT INTO log_segments (origin, first_index, count, entries, receipts) VALUES (?, ?, ?, ?, ?)",
                        arguments: [origin, Int64(current.first), current.entries.count, entries, receipt]
                    )
                    part = nil
                }
                for (position, bytes) in stored(row[1] as Data).enumerated() {
                    let index = first + UInt64(position)
                    guard let changed = change(index, bytes) else {
                        try flush()
                        continue
                    }
                    if part == nil { part = (index, []) }
                    part?.entries.append(changed)
                }
                try flush()
            }
        }
    }

    private static func stored(_ data: Data) -> [[UInt8]] {
        let bytes = [UInt8](data)
        var entries: [[UInt8]] = []
        var offset = 0
        while offset + 4 <= bytes.count {
            let length = bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
            entries.append(Array(bytes[offset + 4..<offset + 4 + length]))
            offset += 4 + length
        }
        return entries
    }

    /// The segment's first receipt (it starts at position 0), which every part of a split segment keeps.
    private static func firstReceipt(_ data: Data) -> Data {
        let bytes = [UInt8](data)
        let nameLength = Int(bytes[12]) << 8 | Int(bytes[13])
        return Data(bytes[0..<14 + nameLength])
    }
}
