import Foundation
import HallmarkCore
import HallmarkRecords
import HallmarkStore
import Logging
import Testing

@Suite("Filter rebuilds: staleness tracked, retracted digests dropped, nothing appended meanwhile lost")
struct FilterRebuildTests {
    @Test("retractions and the next expiry are tracked; a rebuild drops what no longer stands")
    func retractionAndRebuild() async throws {
        let (store, folder) = try temporaryStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        var log = try LogBuilder("brand-a")
        let later = Timestamp(millisecondsSince1970: Timestamp.now().millisecondsSince1970 + 3_600_000)
        for n: UInt64 in 1...10 { _ = try log.add(.assert, digest(n), expires: n == 4 ? later : nil) }
        try await store.append(try log.batch())
        #expect(store.filterFreshness == FilterFreshness(nextExpiry: later))
        #expect(store.filterStatistics.insertedCount == 10)

        _ = try log.add(.retract, digest(3))
        try await store.append(try log.batch(from: 10))
        let freshness = store.filterFreshness
        #expect(freshness.retractions == 1)
        #expect(freshness.oldestRetraction != nil)
        #expect(freshness.staleSince(at: .now()) == freshness.oldestRetraction)
        #expect(store.mayBeListed(digest(3)))

        let rebuild = try await store.rebuildFilter()
        #expect(rebuild.digestCount == 9)
        #expect(rebuild.swapped)
        #expect(store.filterStatistics.insertedCount == 9)
        #expect(!store.mayBeListed(digest(3)))
        #expect(store.mayBeListed(digest(4)))
        #expect(store.filterFreshness == FilterFreshness(nextExpiry: later))
        // Past the expiry, the filter is stale since then.
        let after = Timestamp(millisecondsSince1970: later.millisecondsSince1970 + 1)
        #expect(store.filterFreshness.staleSince(at: after) == later)
    }

    @Test("batches appended while rebuilds run are in the filter the moment their append returns")
    func appendsDuringRebuilds() async throws {
        let (store, folder) = try temporaryStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        var log = try LogBuilder("brand-a")
        for n in 0..<2_000 { _ = try log.add(.assert, digest(UInt64(n))) }
        try await store.append(try log.batch())
        let batches = 60
        var pending: [LogBatch] = []
        for batch in 0..<batches {
            let start = log.items.count
            for n in 0..<20 { _ = try log.add(.assert, digest(UInt64(100_000 + batch * 20 + n))) }
            if batch % 3 == 0 { _ = try log.add(.retract, digest(UInt64(batch))) }
            pending.append(try log.batch(from: start))
        }
        let appended = pending
        let missed = try await withThrowingTaskGroup(of: [UInt64].self) { group in
            group.addTask {
                var missed: [UInt64] = []
                for (batch, item) in appended.enumerated() {
                    try await store.append(item)
                    for n in 0..<20 {
                        let value = UInt64(100_000 + batch * 20 + n)
                        if !store.mayBeListed(digest(value)) { missed.append(value) }
                    }
                }
                return missed
            }
            for _ in 0..<2 {
                group.addTask {
                    for _ in 0..<15 { try await store.rebuildFilter() }
                    return []
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(missed.isEmpty, "digests missing from the filter after their append: \(missed.prefix(10))")
        // And after the last rebuild swapped in, whichever finished last.
        let lost = (0..<UInt64(batches * 20)).filter { !store.mayBeListed(digest(100_000 + $0)) }
        #expect(lost.isEmpty, "digests lost by a rebuild: \(lost.prefix(10))")
        try await store.rebuildFilter()
        #expect(store.filterStatistics.insertedCount == 2_000 + batches * 20 - batches / 3)
    }
}
