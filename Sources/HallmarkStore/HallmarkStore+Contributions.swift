import Foundation
import GRDB
import HallmarkCore
import HallmarkRecords

extension HallmarkStore {
    /// Counts, per member, indicator kind and UTC month, the entries each member's log holds and the disputes other
    /// members' logs hold against it, from `since` on (everything when `nil`).
    ///
    /// Entries are counted, not the folded state, so retracted, renewed and expired history counts too. Indicators
    /// are counted once, in the month of the member's first assertion of them (`first_seen` of the fold), and one
    /// counts as disputed when any other member's dispute names this member for it, whenever that dispute was made.
    /// - Throws: ``HallmarkError`` `store-problem` when a stored entry cannot be decoded.
    public func contributions(since: Timestamp? = nil) async throws -> ContributionTally {
        let start = since?.millisecondsSince1970 ?? Int64.min
        return try await database.read { db in try Self.contributions(since: start, in: db) }
    }

    // Counted in a dictionary: the cells are few.
    private static func contributions(since start: Int64, in db: Database) throws -> ContributionTally {
        var days = DayCounts()
        // One pass over the entries: each member's own entries by action and, for a dispute, the member it names.
        try forEachStoredEntry(in: db) { origin, stored in
            let entry: Entry
            do {
                entry = try Entry(decoding: stored.bytes)
            } catch {
                let at = "\(origin)#\(stored.index)"
                throw HallmarkError(
                    .storeProblem,
                    "stored entry \(at) cannot be decoded; run 'hallmark audit verify-store'",
                    location: at
                )
            }
            let time = entry.time.millisecondsSince1970
            guard time >= start else { return }
            let key = DayCounts.Key(origin: origin, kind: entry.kind.name, time: time)
            switch entry.action {
            case .assert: days.counts[key, default: ContributionCounts()].assertions += 1
            case .retract: days.counts[key, default: ContributionCounts()].retractions += 1
            case .dispute:
                days.counts[key, default: ContributionCounts()].disputesMade += 1
                if let disputed = entry.disputedOrigin {
                    let received = DayCounts.Key(origin: disputed.rawValue, kind: entry.kind.name, time: time)
                    days.counts[received, default: ContributionCounts()].disputesReceived += 1
                }
            }
        }
        // Indicators by the day the member first asserted them.
        let assertions = try Row.fetchCursor(
            db,
            sql: """
                SELECT origin, kind, coalesce(first_seen, last_seen) AS first FROM assertions WHERE first >= ?
                """,
            arguments: [start]
        )
        while let row = try assertions.next() {
            days.counts[try DayCounts.Key(row, in: "assertions"), default: ContributionCounts()].indicators += 1
        }
        // Those of them others dispute: from the (few) disputes to the assertions they contest.
        let disputed = try Row.fetchCursor(
            db,
            sql: """
                SELECT a.origin, a.kind, coalesce(a.first_seen, a.last_seen) AS first
                FROM (SELECT DISTINCT kind, digest, disputed_origin FROM disputes) d
                JOIN assertions a ON a.kind = d.kind AND a.digest = d.digest AND a.origin = d.disputed_origin
                WHERE first >= ?
                """,
            arguments: [start]
        )
        while let row = try disputed.next() {
            days.counts[try DayCounts.Key(row, in: "assertions"), default: ContributionCounts()].indicatorsDisputed += 1
        }
        var members: Set<MemberID> = []
        for (table, column) in [("members", "id"), ("log_heads", "origin")] {
            let known = try Row.fetchCursor(db, sql: "SELECT \(column) FROM \(table)")
            while let row = try known.next() { members.insert(try MemberID(row.stored(at: 0, in: table))) }
        }
        let cells = try days.byMonth()
        members.formUnion(cells.keys.map(\.member))
        return ContributionTally(members: members.sorted(), cells: cells)
    }

    /// Counts per member, kind and UTC day, keyed by the stored text: validated once per cell, not once per row.
    private struct DayCounts {
        struct Key: Hashable {
            var origin: String
            var kind: String
            var day: Int64

            init(origin: String, kind: String, time: Int64) {
                self.origin = origin
                self.kind = kind
                day = time / 86_400_000
            }

            /// The key of a row of `table` whose first three columns are its origin, kind and time.
            init(_ row: Row, in table: String) throws {
                self.init(
                    origin: try row.stored(at: 0, in: table),
                    kind: try row.stored(at: 1, in: table),
                    time: try row.stored(at: 2, in: table)
                )
            }
        }

        var counts: [Key: ContributionCounts] = [:]

        /// The counts gathered into months.
        /// - Throws: ``HallmarkError`` when a stored member id or kind is not valid.
        func byMonth() throws -> [ContributionKey: ContributionCounts] {
            var months: [Int64: String] = [:]
            var cells: [ContributionKey: ContributionCounts] = [:]
            for (key, counts) in counts {
                let month =
                    months[key.day]
                    ?? ContributionKey.month(of: Timestamp(millisecondsSince1970: key.day * 86_400_000))
                months[key.day] = month
                let cell = ContributionKey(
                    member: try MemberID(key.origin),
                    kind: try IndicatorKind(wireName: key.kind),
                    month: month
                )
                cells[cell, default: ContributionCounts()] += counts
            }
            return cells
        }
    }
}
