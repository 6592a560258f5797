import Foundation
import HallmarkCore
import HallmarkEvidence
import HallmarkFederation
import HallmarkMember
import HallmarkRecords
import Testing

/// A node that stops in the middle of a sync has done nothing wrong to its peer, and neither has the peer.
@Suite("A sync cancelled mid-fetch (the node stopping) is not a peer rejection")
struct SyncCancellationTests {
    @Test(
        "cancelled after its first commit: no rejection recorded or logged, what was committed stays, the next round resumes"
    )
    func cancelledMidFetch() async throws {
        try await ServingNode.withNodes(["brand-a", "market-c"]) { nodes in
            let (a, c) = (nodes[0], nodes[1])
            let total: UInt64 = 40_000
            try await a.member.submit(
                try (0..<total).map { Submission(identifier: try Identifier(kind: .sku, value: "SKU-\($0)")) }
            )
            let sync = Task { try await c.sync(from: a) }
            // Cancel as soon as the first batch is committed: the fetch is then between commits.
            var held: UInt64 = 0
            for _ in 0..<6_000 where held == 0 {
                held = try await c.member.logHead(of: a.id)?.treeSize ?? 0
                if held == 0 { try await Task.sleep(for: .milliseconds(5)) }
            }
            sync.cancel()
            let report = try? await sync.value
            #expect(held > 0, "no batch was committed within 30 s")

            let kept = try await c.member.logHead(of: a.id)?.treeSize ?? 0
            #expect(kept >= held)
            try #require(kept < total, "the sync finished before it could be cancelled: nothing was tested")
            #expect(try await c.member.peerRejections().isEmpty)
            #expect(try await c.member.status().peerRejections.isEmpty)
            #expect(c.logs.lines("rejected a peer's log").isEmpty, "\(c.logs.all)")
            if let report {
                #expect(report.rejected.isEmpty, "\(report)")
                #expect(report.interrupted?.contains("this node stopped") == true, "\(report)")
            }

            // What was kept is provable now, before the sync resumes: against the checkpoint it was verified against.
            #expect(try await c.member.verifyStore().logs.allSatisfy { $0.problem == nil })
            let verifier = EvidenceVerifier(trust: c.member.identity.trust)
            for index in [0, kept / 2, kept - 1] {
                let sku = try Identifier(kind: .sku, value: "SKU-\(index)")
                #expect(try await c.member.check(sku).isListed)
                let audit = try await c.member.audit(sku)
                #expect(audit.allVerified, "\(audit.entries)")
                let bundle = try await c.member.evidence(about: sku)
                #expect(bundle.entries.first?.checkpoint.treeSize == total)
                let verdict = await verifier.verify(bundle)
                #expect(verdict.isValid, "\(verdict)")
            }

            // The next round fetches the rest and nothing else.
            let next = try await c.sync(from: a)
            #expect(next.rejected.isEmpty)
            #expect(next.fetched[a.id] == Int(total - kept))
            #expect(try await c.member.logHead(of: a.id)?.treeSize == total)
            #expect(try await c.member.verifyStore().logs.allSatisfy { $0.problem == nil })
        }
    }
}
