import Foundation
import GRDB
import HallmarkCore
import HallmarkRecords
import Logging

extension HallmarkStore {
    /// Every origin's listed assertion about each indicator (retracted ones left out; expiry is judged by the
    /// caller), with disputes, in origin order: from the listed table in memory when it is loaded, from the store
    /// otherwise. The same records either way.
    public func listedAssertions(
        for indicators: [(kind: IndicatorKind, digest: Hash256)]
    ) async throws -> [[AssertionRecord]] {
        if let held = listed.assertions(for: indicators) { return held }
        return try await assertions(for: indicators).map { $0.filter(\.listed) }
    }

    /// ``listedAssertions(for:)`` of one indicator from the listed table alone, without waiting; `nil` when the table
    /// is not loaded.
    public func heldListedAssertions(kind: IndicatorKind, digest: Hash256) -> [AssertionRecord]? {
        listed.assertions(kind: kind, digest: digest)
    }

    /// Whether positive checks are answered from memory (``listedAssertions(for:)``); `false` in a store opened
    /// without the table, while it is first built, and while it is rebuilt after another process wrote to the store.
    public var isListedTableLoaded: Bool { listed.isLoaded }

    /// Whether this store was opened holding the listed table (see ``HallmarkStore/open(in:logger:deferringFilterBuild:holdingListedTable:)``).
    public var holdsListedTable: Bool { listed.isEnabled }

    /// Listed keys in the table and the bytes it holds, roughly; zero when the store holds no table.
    public var listedTableStatistics: (count: Int, byteCount: Int) { listed.statistics }

    /// The size of each origin's log that the listed table reflects; `nil` once it is known to miss entries that
    /// another process appended to the store (then ``markListedTableStale()`` and a rebuild are due).
    public var listedTableCoverage: [MemberID: UInt64]? { listed.coveredSizes }

    /// Stops answering from the listed table until ``rebuildListedTable(reason:)`` swaps in a new one: for when
    /// another process changed the store behind this one's back.
    package func markListedTableStale() {
        listed.markStale()
    }

    /// Builds the listed table from the store, to the side, and swaps it in with whatever was appended meanwhile.
    /// Does nothing in a store opened without the table.
    /// - Parameter reason: Why, for the log line that reports the build.
    public func rebuildListedTable(reason: String) async throws {
        guard listed.isEnabled else { return }
        let clock = ContinuousClock()
        let start = clock.now
        let id = listed.beginBuild()
        let (table, sizes): (ListedTable, [MemberID: UInt64])
        do {
            (table, sizes) = try await database.read { db in try Self.readListedTable(in: db) }
        } catch {
            listed.abandonBuild(id)
            throw error
        }
        report(listed.finishBuild(id, table: table, sizes: sizes), reason: reason, duration: clock.now - start)
    }

    /// ``rebuildListedTable(reason:)`` while the store opens, before anything else runs.
    func buildListedTable() throws {
        guard listed.isEnabled else { return }
        let clock = ContinuousClock()
        let start = clock.now
        let id = listed.beginBuild()
        let (table, sizes) = try database.read { db in try Self.readListedTable(in: db) }
        report(listed.finishBuild(id, table: table, sizes: sizes), reason: "open", duration: clock.now - start)
    }

    private func report(_ swapped: Bool, reason: String, duration: Duration) {
        let (count, bytes) = listed.statistics
        logger.info(
            "listed table built",
            metadata: [
                "listed.reason": "\(reason)", "listed.keys": "\(count)", "listed.bytes": "\(bytes)",
                "listed.duration_ms": "\(duration.milliseconds)", "listed.swapped": "\(swapped)",
            ]
        )
    }

    /// The table, with the size of every log it reflects.
    private static func readListedTable(in db: Database) throws -> (ListedTable, [MemberID: UInt64]) {
        var builder = ListedTable.Builder()
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT a.kind, a.digest, \(recordColumns)
                FROM assertions a WHERE a.listed = 1 ORDER BY a.kind, a.digest, a.origin
                """
        )
        while let row = try rows.next() {
            builder.add(
                kind: try IndicatorKind(wireName: row.stored(at: 0, in: "assertions")),
                digest: try Hash256(bytes: row.stored(at: 1, in: "assertions") as Data),
                try record(from: row, at: 2) { _ in [] }
            )
        }
        let disputes = try Row.fetchCursor(
            db,
            sql: "SELECT kind, digest, disputed_origin, disputer, reason, note, time FROM disputes"
        )
        while let row = try disputes.next() {
            builder.addDispute(
                kind: try IndicatorKind(wireName: row.stored(at: 0, in: "disputes")),
                digest: try Hash256(bytes: row.stored(at: 1, in: "disputes") as Data),
                disputedOrigin: try MemberID(row.stored(at: 2, in: "disputes")),
                try dispute(from: row, at: 3)
            )
        }
        guard let table = builder.finish() else {
            throw HallmarkError(
                .storeProblem,
                "too many listed indicators to hold in memory (the listed table is limited to 4 GiB of records)"
            )
        }
        let sizes = try allLogHeads(in: db).map { ($0.origin, $0.treeSize) }
        return (table, Dictionary(sizes, uniquingKeysWith: max))
    }
}
