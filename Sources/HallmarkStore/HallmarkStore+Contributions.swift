import Foundation
import GRDB
import HallmarkCore

extension HallmarkStore {
    /// Counts, per member, indicator kind and UTC month, the entries each member's log holds and the disputes other
    /// members' logs hold against it, from `since` on (everything when `nil`).
    ///
    /// Entries are counted, not the folded state, so retracted, renewed and expired history counts too. Indicators
    /// are counted once, in the month of the member's first assertion of them (`first_seen` of the fold), and one
    /// counts as disputed when any other member's dispute names this member for it, whenever that dispute was made.
    /// Every query groups by day, which is cheaper than formatting dates in SQL; days are gathered into months here.
    /// - Throws: ``HallmarkError`` `store-problem` when a stored dispute entry cannot be decoded.
    public func contributions(since: Timestamp? = nil) async throws -> ContributionTally {
        let start = since?.millisecondsSince1970 ?? Int64.min
        return try await database.read { db in try Self.contributions(since: start, in: db) }
    }

    private static func contributions(since start: Int64, in db: Database) throws -> ContributionTally {
        var tally = Tally()
        // The member's own entries, by action.
        let entryRows = try Row.fetchCursor(
            db,
            sql: """
                SELECT origin, kind, action, time / 86400000 AS day, COUNT(*) AS n FROM entries
                WHERE time >= ? GROUP BY origin, kind, action, day
                """,
            arguments: [start]
        )
        while let row = try entryRows.next() {
            let name: String = row["action"]
            try tally.add(row["n"], to: try EntryAction(name: name).contributionCount, row: row)
        }
        // Indicators by the day the member first asserted them, and those of them others dispute.
        let indicatorRows = try Row.fetchCursor(
            db,
            sql: """
                SELECT origin, kind, first_seen / 86400000 AS day, COUNT(*) AS n FROM assertions
                WHERE first_seen >= ? GROUP BY origin, kind, day
                """,
            arguments: [start]
        )
        while let row = try indicatorRows.next() {
            try tally.add(row["n"], to: \.indicators, row: row)
        }
        // From the (few) disputes to the assertions they contest, rather than probing every assertion.
        let disputedRows = try Row.fetchCursor(
            db,
            sql: """
                SELECT a.origin, a.kind, a.first_seen / 86400000 AS day, COUNT(*) AS n
                FROM (SELECT DISTINCT kind, digest, disputed_origin FROM disputes) d
                JOIN assertions a ON a.kind = d.kind AND a.digest = d.digest AND a.origin = d.disputed_origin
                WHERE a.first_seen >= ? GROUP BY a.origin, a.kind, day
                """,
            arguments: [start]
        )
        while let row = try disputedRows.next() {
            try tally.add(row["n"], to: \.indicatorsDisputed, row: row)
        }
        // Disputes received: the disputed member is inside the entry's bytes only.
        let disputeRows = try Row.fetchCursor(
            db,
            sql: "SELECT origin, log_index, bytes FROM entries WHERE action = 'dispute' AND time >= ?",
            arguments: [start]
        )
        while let row = try disputeRows.next() {
            let entry: Entry
            do {
                let bytes: Data = row["bytes"]
                entry = try Entry(decoding: bytes)
            } catch {
                let origin: String = row["origin"]
                let index: Int64 = row["log_index"]
                let at = "\(origin)#\(index)"
                throw HallmarkError(
                    .storeProblem,
                    "stored entry \(at) cannot be decoded; run 'hallmark audit verify-store'",
                    location: at
                )
            }
            guard let disputed = entry.disputedOrigin else { continue }
            let day = entry.time.millisecondsSince1970 / Tally.millisecondsPerDay
            tally.add(1, to: \.disputesReceived, member: disputed, kind: entry.kind, day: day)
        }
        let known = try String.fetchAll(
            db,
            sql: "SELECT id FROM members UNION SELECT origin FROM log_heads ORDER BY 1"
        )
        var members = Set(try known.map { try MemberID($0) })
        members.formUnion(tally.cells.keys.map(\.member))
        return ContributionTally(members: members.sorted(), cells: tally.cells)
    }

    /// Counts gathered from rows grouped by day into cells by month.
    private struct Tally {
        static let millisecondsPerDay: Int64 = 86_400_000
        var cells: [ContributionKey: ContributionCounts] = [:]
        private var months: [Int64: String] = [:]

        mutating func add(
            _ count: Int,
            to field: WritableKeyPath<ContributionCounts, Int>,
            member: MemberID,
            kind: IndicatorKind,
            day: Int64
        ) {
            let month =
                months[day]
                ?? ContributionKey.month(of: Timestamp(millisecondsSince1970: day * Self.millisecondsPerDay))
            months[day] = month
            cells[ContributionKey(member: member, kind: kind, month: month), default: ContributionCounts()][
                keyPath: field
            ] += count
        }

        /// Adds a grouped row's count, reading its `origin`, `kind` and `day` columns.
        mutating func add(_ count: Int, to field: WritableKeyPath<ContributionCounts, Int>, row: Row) throws {
            let origin: String = row["origin"], kind: String = row["kind"], day: Int64 = row["day"]
            add(count, to: field, member: try MemberID(origin), kind: try IndicatorKind(wireName: kind), day: day)
        }
    }
}

extension EntryAction {
    /// The count of a member's own entries that this action adds to.
    fileprivate var contributionCount: WritableKeyPath<ContributionCounts, Int> {
        switch self {
        case .assert: \.assertions
        case .retract: \.retractions
        case .dispute: \.disputesMade
        }
    }
}
