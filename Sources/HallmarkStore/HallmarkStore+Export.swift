import Foundation
import GRDB
import HallmarkCore
import HallmarkRecords

extension HallmarkStore {
    /// Every assertion, listed or retracted, of `kinds` that its origin last changed at or after `since` (all when
    /// `nil`), in kind, digest and origin order, with its disputes and, for this member's own, the raw value it keeps.
    public func assertionsForExport(kinds: [IndicatorKind], since: Timestamp?) async throws -> [IndicatorAssertion] {
        let names = Set(kinds.map(\.name)).sorted()
        let placeholders = names.map { _ in "?" }.joined(separator: ", ")
        return try await database.read { db in
            var disputes: [String: [DisputeRecord]] = [:]
            let disputeRows = try Row.fetchCursor(
                db,
                sql:
                    "SELECT kind, digest, disputed_origin, disputer, reason, note, time FROM disputes ORDER BY disputer"
            )
            while let row = try disputeRows.next() {
                let digest = try Hash256(bytes: row.stored(at: 1, in: "disputes") as Data)
                let key =
                    "\(try row.stored(at: 0, in: "disputes") as String) \(digest.hex) \(try row.stored(at: 2, in: "disputes") as String)"
                disputes[key, default: []].append(try Self.dispute(from: row, at: 3))
            }
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT a.kind, a.digest, \(Self.recordColumns), v.value
                    FROM assertions a
                    LEFT JOIN own_values v ON a.origin = ? AND v.log_index = a.last_index
                    WHERE a.kind IN (\(placeholders)) AND (a.last_seen >= ? OR a.retracted_at >= ?)
                    ORDER BY a.kind, a.digest, a.origin
                    """,
                arguments: StatementArguments(
                    [selfMember.rawValue] + names
                        + [since?.millisecondsSince1970 ?? .min, since?.millisecondsSince1970 ?? .min]
                )
            )
            var assertions: [IndicatorAssertion] = []
            while let row = try rows.next() {
                let kindName: String = try row.stored(at: 0, in: "assertions")
                let kind = try IndicatorKind(parsing: kindName)
                let digest = try Hash256(bytes: row.stored(at: 1, in: "assertions") as Data)
                let record = try Self.record(from: row, at: 2) {
                    disputes["\(kindName) \(digest.hex) \($0.rawValue)"] ?? []
                }
                var value: String? = try row.stored(at: 14, in: "own_values")
                if value == nil, record.origin == selfMember {
                    // Its last entry carries no raw value (a retraction, or an assert of the digest as given): an earlier
                    // assert may.
                    value = try Self.ownValue(kind: kind, digest: digest, of: selfMember, in: db)
                }
                assertions.append(IndicatorAssertion(kind: kind, digest: digest, record: record, localValue: value))
            }
            return assertions
        }
    }
}
