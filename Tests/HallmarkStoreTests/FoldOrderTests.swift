import Foundation
import HallmarkCore
import HallmarkRecords
import Testing

@testable import HallmarkStore

/// A batch is folded in the order of its indicators' keys, not the log's (``HallmarkStore/keyOrder(of:)``): the
/// folded state must not show it.
@Suite("The fold's order within a batch")
struct FoldOrderTests {
    @Test("a batch folded in key order leaves the state that one entry per batch leaves")
    func sameStateAsEntryByEntry() async throws {
        let (whole, wholeFolder) = try temporaryStore()
        defer { try? FileManager.default.removeItem(at: wholeFolder) }
        let (single, singleFolder) = try temporaryStore()
        defer { try? FileManager.default.removeItem(at: singleFolder) }

        // Few indicators and many entries, so that most indicators get several entries in the one batch, in every
        // order of assert, retract and dispute; two kinds, so that the same digest also stands for two indicators.
        var generator = SystemRandomNumberGenerator()
        var log = try LogBuilder("brand-a")
        let kinds: [IndicatorKind] = [.sku, .seller]
        let disputed = try MemberID("brand-z")
        for step in 0..<400 {
            let kind = kinds[Int.random(in: 0..<2, using: &generator)]
            let indicator = digest(UInt64.random(in: 0..<25, using: &generator))
            let time = 1_000 + Int64(step)
            switch Int.random(in: 0..<6, using: &generator) {
            case 0: _ = try log.add(.retract, indicator, time: time, kind: kind)
            case 1: _ = try log.add(.dispute, indicator, disputing: disputed, time: time, kind: kind, note: "\(step)")
            default:
                _ = try log.add(
                    .assert,
                    indicator,
                    time: time,
                    kind: kind,
                    confidence: UInt8.random(in: 1...100, using: &generator),
                    note: "\(step)"
                )
            }
            try await single.append(try log.batch(from: step))
        }
        try await whole.append(try log.batch())

        let indicators = kinds.flatMap { kind in (0..<25).map { (kind: kind, digest: digest(UInt64($0))) } }
        // The time of receipt is the commit's: the only thing that may differ.
        func folded(_ store: HallmarkStore) async throws -> [[AssertionRecord]] {
            try await store.assertions(for: indicators).map { records in
                records.map { record in
                    var record = record
                    record.receivedAt = Timestamp(millisecondsSince1970: 0)
                    return record
                }
            }
        }
        let expected = try await folded(single)
        #expect(expected.joined().count > 20, "the log asserts most indicators")
        #expect(try await folded(whole) == expected)
        // The listed table, built from the batch's changes, answers as the store does.
        #expect(whole.isListedTableLoaded)
        for (indicator, records) in zip(indicators, expected) {
            let held = whole.heldListedAssertions(kind: indicator.kind, digest: indicator.digest)?.map { record in
                var record = record
                record.receivedAt = Timestamp(millisecondsSince1970: 0)
                return record
            }
            #expect(held == records.filter(\.listed), "\(indicator.kind) \(indicator.digest)")
        }
    }

    @Test("key order: kind, then digest, then the log's order for an indicator's own entries")
    func keyOrder() throws {
        var log = try LogBuilder("brand-a")
        _ = try log.add(.assert, digest(9), kind: .sku)
        _ = try log.add(.assert, digest(2), kind: .sku)
        _ = try log.add(.assert, digest(9), kind: .seller)
        _ = try log.add(.retract, digest(2), kind: .sku)
        _ = try log.add(.assert, digest(1), kind: .sku)
        _ = try log.add(.assert, digest(2), kind: .sku)
        // "seller" sorts before "sku"; digest(1) < digest(2) < digest(9) (their first words).
        #expect(HallmarkStore.keyOrder(of: log.items) == [2, 4, 1, 3, 5, 0])
    }
}
