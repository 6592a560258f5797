import Foundation
import HallmarkCore
import HallmarkRecords
import HallmarkStore
import Testing

/// `HallmarkStore.contributions(since:)`: counts per member, kind and month over three logs with chosen times.
@Suite("ContributionTally")
struct ContributionTallyTests {
    static let october = try! Timestamp(iso8601: "2026-10-15T08:00:00Z").millisecondsSince1970
    static let november = try! Timestamp(iso8601: "2026-11-10T20:30:00Z").millisecondsSince1970

    /// brand-a asserts two SKUs in October, a seller and a renewal in November, retracts one SKU and disputes
    /// brand-b's; brand-b disputes brand-a's first SKU twice (October, November) and its second once; market-c
    /// disputes brand-a's first SKU too.
    static func store() async throws -> (HallmarkStore, URL) {
        let (store, folder) = try temporaryStore()
        let brandB = try MemberID("brand-b")
        let brandA = try MemberID("brand-a")
        var a = try LogBuilder("brand-a")
        _ = try a.add(.assert, digest(1), time: october)
        _ = try a.add(.assert, digest(2), time: october)
        _ = try a.add(.assert, digest(3), time: november, kind: .seller)
        _ = try a.add(.assert, digest(1), time: november)
        _ = try a.add(.retract, digest(2), time: november)
        _ = try a.add(.dispute, digest(10), disputing: brandB, time: november)
        var b = try LogBuilder("brand-b")
        _ = try b.add(.assert, digest(10), time: october)
        _ = try b.add(.assert, digest(11), time: october)
        _ = try b.add(.dispute, digest(1), disputing: brandA, time: october)
        _ = try b.add(.dispute, digest(1), disputing: brandA, time: november)
        _ = try b.add(.dispute, digest(2), disputing: brandA, time: november)
        var c = try LogBuilder("market-c")
        _ = try c.add(.dispute, digest(1), disputing: brandA, time: november)
        for batch in [try a.batch(), try b.batch(), try c.batch()] { _ = try await store.append(batch) }
        return (store, folder)
    }

    static func key(_ member: String, _ kind: IndicatorKind, _ month: String) throws -> ContributionKey {
        ContributionKey(member: try MemberID(member), kind: kind, month: month)
    }

    @Test("every entry counts in its month; indicators once, in the month first asserted")
    func wholeHistory() async throws {
        let (store, folder) = try await Self.store()
        defer { try? FileManager.default.removeItem(at: folder) }
        let tally = try await store.contributions()
        #expect(tally.members.map(\.rawValue) == ["brand-a", "brand-b", "market-c"])
        let expected: [ContributionKey: ContributionCounts] = [
            try Self.key("brand-a", .sku, "2026-10"): ContributionCounts(
                assertions: 2,
                disputesReceived: 1,
                indicators: 2,
                indicatorsDisputed: 2
            ),
            try Self.key("brand-a", .sku, "2026-11"): ContributionCounts(
                assertions: 1,
                retractions: 1,
                disputesMade: 1,
                disputesReceived: 3
            ),
            try Self.key("brand-a", .seller, "2026-11"): ContributionCounts(assertions: 1, indicators: 1),
            try Self.key("brand-b", .sku, "2026-10"): ContributionCounts(
                assertions: 2,
                disputesMade: 1,
                indicators: 2,
                indicatorsDisputed: 1
            ),
            try Self.key("brand-b", .sku, "2026-11"): ContributionCounts(disputesMade: 2, disputesReceived: 1),
            try Self.key("market-c", .sku, "2026-11"): ContributionCounts(disputesMade: 1),
        ]
        #expect(tally.cells == expected)
        #expect(tally.cells[try Self.key("brand-a", .sku, "2026-10")]?.disputeShare == 1)
        #expect(tally.cells[try Self.key("brand-b", .sku, "2026-10")]?.disputeShare == 0.5)
        #expect(tally.cells[try Self.key("brand-a", .sku, "2026-11")]?.disputeShare == nil)
    }

    @Test("since drops earlier entries, and indicators first asserted earlier")
    func since() async throws {
        let (store, folder) = try await Self.store()
        defer { try? FileManager.default.removeItem(at: folder) }
        let tally = try await store.contributions(since: try Timestamp(iso8601: "2026-11-01T00:00:00Z"))
        #expect(tally.members.count == 3)
        #expect(Set(tally.cells.keys.map(\.month)) == ["2026-11"])
        #expect(
            tally.cells[try Self.key("brand-a", .sku, "2026-11")]
                == ContributionCounts(assertions: 1, retractions: 1, disputesMade: 1, disputesReceived: 3)
        )
        #expect(
            tally.cells[try Self.key("brand-a", .seller, "2026-11")] == ContributionCounts(assertions: 1, indicators: 1)
        )
        #expect(tally.cells.count == 4)
        let after = try await store.contributions(since: Timestamp(millisecondsSince1970: Self.november + 1))
        #expect(after.cells.isEmpty)
        #expect(after.members.count == 3)
    }

    @Test("an empty store has no members and no cells")
    func empty() async throws {
        let (store, folder) = try temporaryStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try await store.contributions() == ContributionTally(members: [], cells: [:]))
    }
}
