import Foundation
import GRDB
import HallmarkCore
import HallmarkRecords

/// One stored entry of a log as it sits in the store, unchecked: for verifying the store itself.
public struct StoredLeaf: Sendable {
    /// The entry's log index, as recorded.
    public var index: UInt64
    /// The entry's bytes, as stored.
    public var bytes: [UInt8]
}

extension HallmarkStore {
    /// Every origin the store holds anything of (a log head, an entry or a checkpoint, stored or pending), in order.
    public func storedOrigins() async throws -> [MemberID] {
        try await database.read { db in
            // One query per table, so that a value that is not text can be named by its table.
            var origins: Set<String> = []
            for table in ["log_heads", "checkpoints", "pending_checkpoints", "log_segments"] {
                let cursor = try Row.fetchCursor(db, sql: "SELECT DISTINCT origin FROM \(table)")
                while let row = try cursor.next() { origins.insert(try row.stored(at: 0, in: table)) }
            }
            // In SQLite's order for text: by UTF-8 bytes.
            return try origins.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.map { try MemberID($0) }
        }
    }

    /// Up to `limit` stored entries of `origin` from index `start` on, in index order, exactly as stored (gaps show
    /// as skipped indexes): for reading a whole log in bounded pieces.
    public func storedLeaves(of origin: MemberID, from start: UInt64, limit: Int) async throws -> [StoredLeaf] {
        try await database.read { db in
            var leaves: [StoredLeaf] = []
            leaves.reserveCapacity(limit)
            try Self.forEachEntry(of: origin, in: start..<UInt64.max, in: db) { stored in
                leaves.append(StoredLeaf(index: stored.index, bytes: stored.bytes))
                return leaves.count < limit
            }
            return leaves
        }
    }
}
