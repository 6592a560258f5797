import Foundation
import HallmarkCore
import HallmarkFederation
import HallmarkMember
import HallmarkProtocol
import HallmarkRecords
import HallmarkStore
import Testing

@Suite("A sync report counts what was committed")
struct SyncReportTests {
    @Test("a fetch that fails part-way reports the chunks it committed, and says the round was interrupted")
    func failedPartWay() async throws {
        let a = try await ServingNode.start("brand-a")
        let c = try await ServingNode.start("market-c")
        let total = 3_000
        let perChunk = FederationLimits.defaultEntriesPerChunk
        let skus = try (0..<total).map { try Identifier(kind: .sku, value: "PART-\($0)") }
        try await a.member.submit(skus.map { Submission(identifier: $0) })
        // The relay spoils the third chunk only: the first two verify and commit.
        var tampering = MaliciousPeer.Tampering(origin: a.id)
        tampering.chunk = { chunk in
            guard chunk.firstIndex == UInt64(2 * perChunk) else { return }
            chunk.entries[0] = BadData.flippingDigestByte(of: chunk.entries[0])
        }
        let peer = try await MaliciousPeer.start(serving: a.member, as: "brand-b", tampering: tampering)
        defer {
            Task {
                await peer.stop()
                await a.stop()
                await c.stop()
            }
        }

        let report = try await c.sync(from: peer.address)

        #expect(report.fetched[a.id] == 2 * perChunk, "\(report)")
        #expect(report.totalFetched == 2 * perChunk)
        let rejection = try #require(report.rejected.first, "nothing rejected: \(report)")
        #expect(rejection.code == .proofMismatch)
        let interrupted = try #require(report.interrupted, "not marked interrupted: \(report)")
        #expect(interrupted.contains("the fetch of brand-a stopped after \(2 * perChunk) entries"))
        #expect(report.description.hasPrefix("\(2 * perChunk) entries from "))
        #expect(report.description.contains("INTERRUPTED"))
        #expect(try await c.member.store.logHead(of: a.id)?.treeSize == UInt64(2 * perChunk))
        #expect(try await c.member.check(skus[0]).isListed)
        #expect(try await !c.member.check(skus[total - 1]).isListed)

        // The next round, from an honest peer, resumes after the committed chunks and completes.
        let resumed = try await c.sync(from: a)
        #expect(resumed.fetched[a.id] == total - 2 * perChunk, "\(resumed)")
        #expect(resumed.interrupted == nil)
        #expect(resumed.rejected.isEmpty)
        #expect(try await c.member.check(skus[total - 1]).isListed)
    }
}
