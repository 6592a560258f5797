import Foundation
import GRDB
import HallmarkCore
import HallmarkRecords

extension HallmarkStore {
    /// Every origin's assertion about `digest`, with disputes, from the exact index. Empty when none.
    public func assertions(kind: IndicatorKind, digest: Hash256) async throws -> [AssertionRecord] {
        try await database.read { db in try Self.assertions(kind: kind, digest: digest, in: db) }
    }

    /// ``assertions(kind:digest:)`` for many indicators in one read transaction.
    public func assertions(for indicators: [(kind: IndicatorKind, digest: Hash256)]) async throws -> [[AssertionRecord]]
    {
        try await database.read { db in
            try indicators.map { try Self.assertions(kind: $0.kind, digest: $0.digest, in: db) }
        }
    }

    /// Every entry about `digest` from every origin, in origin and log order.
    public func entries(kind: IndicatorKind, digest: Hash256) async throws -> [StoredEntry] {
        try await database.read { db in
            try Self.entries(kind: kind, digest: digest, in: db)
        }
    }

    /// The raw identifier this member submitted for `digest`, if it was this member's.
    public func localValue(kind: IndicatorKind, digest: Hash256) async throws -> String? {
        try await database.read { db in try Self.ownValue(kind: kind, digest: digest, of: selfMember, in: db) }
    }

    /// Counts for `hallmark status`, judging expiry at `time`.
    public func statistics(at time: Timestamp = .now()) async throws -> StoreStatistics {
        let filterStatistics = filter.statistics
        return try await database.read { db in
            var listed: [IndicatorKind: Int] = [:]
            let rows = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT kind, COUNT(DISTINCT digest) AS n FROM assertions
                        WHERE listed = 1 AND (expires IS NULL OR expires > ?) GROUP BY kind
                        """
                ),
                arguments: [time.millisecondsSince1970]
            )
            for row in rows {
                let kind = try IndicatorKind(wireName: row.stored("kind", in: "assertions"))
                listed[kind] = try row.stored("n", in: "assertions")
            }
            return StoreStatistics(
                listedByKind: listed,
                logs: try Self.allLogHeads(in: db),
                entryCount: try Int.fetchOne(db, sql: "SELECT COALESCE(SUM(count), 0) FROM log_segments") ?? 0,
                filter: filterStatistics
            )
        }
    }

    // Columns are read by position, not by name: this runs for every positive check, thousands of times a second.
    static func assertions(kind: IndicatorKind, digest: Hash256, in db: Database) throws -> [AssertionRecord] {
        let rows = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT \(recordColumns)
                    FROM assertions a WHERE a.kind = ? AND a.digest = ? ORDER BY a.origin
                    """
            ),
            arguments: [kind.name, digest.data]
        )
        guard !rows.isEmpty else { return [] }
        let disputeRows = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT disputed_origin, disputer, reason, note, time FROM disputes
                    WHERE kind = ? AND digest = ? ORDER BY disputer
                    """
            ),
            arguments: [kind.name, digest.data]
        )
        var disputes: [String: [DisputeRecord]] = [:]
        for row in disputeRows {
            disputes[try row.stored(at: 0, in: "disputes"), default: []].append(try dispute(from: row, at: 1))
        }
        return try rows.map { row in
            try record(from: row, at: 0) { disputes[$0.rawValue] ?? [] }
        }
    }

    /// The dispute in the columns `disputer, reason, note, time` of `disputes`, starting at `first`.
    static func dispute(from row: Row, at first: Int) throws -> DisputeRecord {
        DisputeRecord(
            disputer: try MemberID(row.stored(at: first, in: "disputes")),
            reason: try row.stored(at: first + 1, in: "disputes"),
            note: try row.stored(at: first + 2, in: "disputes"),
            time: Timestamp(millisecondsSince1970: try row.stored(at: first + 3, in: "disputes"))
        )
    }

    /// The columns ``record(from:at:disputes:)`` reads, from `assertions a`.
    static let recordColumns = """
        a.origin, a.listed, a.confidence, a.reason, a.note, a.expires, coalesce(a.first_seen, a.last_seen), a.last_seen,
        a.retracted_at, a.last_index, coalesce(a.received_from, a.origin), a.received_at
        """

    /// The assertion in the twelve columns of ``recordColumns`` starting at `first`.
    static func record(from row: Row, at first: Int, disputes: (MemberID) -> [DisputeRecord]) throws -> AssertionRecord
    {
        let origin = try MemberID(row.stored(at: first, in: "assertions") as String)
        let lastIndex: Int64 = try row.stored(at: first + 9, in: "assertions")
        return AssertionRecord(
            origin: origin,
            listed: try row.stored(at: first + 1, in: "assertions"),
            confidence: try row.stored(at: first + 2, in: "assertions"),
            reason: try row.stored(at: first + 3, in: "assertions"),
            note: try row.stored(at: first + 4, in: "assertions"),
            expires: (try row.stored(at: first + 5, in: "assertions") as Int64?)
                .map(Timestamp.init(millisecondsSince1970:)),
            firstSeen: Timestamp(millisecondsSince1970: try row.stored(at: first + 6, in: "assertions")),
            lastSeen: Timestamp(millisecondsSince1970: try row.stored(at: first + 7, in: "assertions")),
            retractedAt: (try row.stored(at: first + 8, in: "assertions") as Int64?)
                .map(Timestamp.init(millisecondsSince1970:)),
            lastIndex: try UInt64(stored: lastIndex, "last index"),
            receivedFrom: try MemberID(row.stored(at: first + 10, in: "assertions")),
            receivedAt: Timestamp(millisecondsSince1970: try row.stored(at: first + 11, in: "assertions")),
            disputes: disputes(origin)
        )
    }
}
