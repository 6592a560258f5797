import Foundation
import HallmarkCore
import HallmarkFederation
import HallmarkMember
import HallmarkRecords
import HallmarkTestSupport
import Testing

/// A peer that stops sending in the middle of a FetchLog must not hold the sync with it.
@Suite("A stalled FetchLog ends within its idle deadline")
struct StalledPeerTests {
    @Test("one chunk, then silence: the fetch ends after the idle deadline, the peer is named, the next round resumes")
    func stalledMidStream() async throws {
        try await ServingNode.withNodes(["brand-a", "market-c"]) { nodes in
            let (a, c) = (nodes[0], nodes[1])
            let total = 3 * FederationLimits.defaultEntriesPerChunk
            try await a.member.submit(
                try (0..<total).map { Submission(identifier: try Identifier(kind: .sku, value: "STALL-\($0)")) }
            )
            var tampering = MaliciousPeer.Tampering(origin: a.id)
            tampering.stallAfterChunks = 1
            let peer = try await MaliciousPeer.start(serving: a.member, as: "brand-b", tampering: tampering)
            defer { Task { await peer.stop() } }

            let engine = SyncEngine(member: c.member, fetchIdleTimeout: .seconds(3), logger: c.logs.logger)
            let started = ContinuousClock.now
            let report = try await engine.syncOnce(with: peer.address)
            let took = ContinuousClock.now - started
            // Bounded by the deadline, not by the peer's ten minutes (a generous margin for a loaded machine).
            #expect(took < .seconds(60), "took \(took)")
            let rejection = try #require(report.rejected.first, "\(report)")
            #expect(rejection.origin == "brand-a")
            #expect(rejection.reason.contains("the peer sent nothing for 3.0 seconds"), "\(rejection.reason)")
            // The chunk before the stall stays (on a loaded machine the deadline may pass before it arrives).
            let kept = report.fetched[a.id] ?? 0
            #expect(kept <= FederationLimits.defaultEntriesPerChunk)
            let status = try await c.member.status()
            #expect(status.peerRejections.map(\.peer) == [peer.member], "the offender is named in status")
            #expect(status.peerRejections.first?.reason.contains("stalled") == true)

            // An honest peer brings the rest, from where the stalled fetch stopped.
            let honest = try await c.sync(from: a)
            #expect(honest.fetched[a.id] == total - kept)
            #expect(try await c.member.logHead(of: a.id)?.treeSize == UInt64(total))
        }
    }
}
