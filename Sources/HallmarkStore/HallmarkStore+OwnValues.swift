import Foundation
import GRDB
import HallmarkCore
import HallmarkRecords

// The raw identifiers of this member's own assert entries (`own_values`), kept by the entry's index in its own log:
// appended in log order, as the log is, rather than inserted at a random key per entry. They never leave the node.
extension HallmarkStore {
    /// Stores the raw identifiers a batch of this member's own log carries, beside the assert entries they name.
    ///
    /// The identifiers come in the order of their entries (``LogBatch/localIdentifiers``): each goes with the next
    /// assert entry of its kind and digest, found in one pass over the batch.
    static func storeOwnValues(of batch: LogBatch, in db: Database) throws {
        guard !batch.localIdentifiers.isEmpty else { return }
        let insert = try EntryStatement(db, sql: "INSERT OR REPLACE INTO own_values (log_index, value) VALUES (?, ?)")
        var position = batch.items.startIndex
        for local in batch.localIdentifiers {
            while position < batch.items.endIndex {
                let entry = batch.items[position].entry
                position += 1
                guard entry.action == .assert, entry.digest == local.digest, entry.kind == local.identifier.kind else {
                    continue
                }
                insert.bind(try Int64(sqlite: entry.index, "index"), at: 1)
                insert.bind(local.identifier.normalized, at: 2)
                try insert.run()
                break
            }
        }
    }

    /// The raw identifier `member` (this member) submitted for an indicator: kept with its latest assert entry that
    /// carried one. `nil` when none did.
    static func ownValue(kind: IndicatorKind, digest: Hash256, of member: MemberID, in db: Database) throws -> String? {
        let candidates = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT i.log_index, v.value FROM indicator_entries i
                    JOIN log_origins o ON o.id = i.origin_id AND o.origin = ?
                    JOIN own_values v ON v.log_index = i.log_index
                    WHERE i.key = ? ORDER BY i.log_index DESC
                    """
            ),
            arguments: [member.rawValue, indicatorKey(digest)]
        )
        for row in candidates {
            let index = try UInt64(stored: row.stored(at: 0, in: "own_values"), "log_index")
            // Another indicator whose digest starts with the same 8 bytes has entries of its own.
            guard let stored = try entry(of: member, index: index, in: db),
                let entry = try? Entry(decoding: stored.bytes), entry.kind == kind, entry.digest == digest
            else { continue }
            return try row.stored(at: 1, in: "own_values")
        }
        return nil
    }
}
