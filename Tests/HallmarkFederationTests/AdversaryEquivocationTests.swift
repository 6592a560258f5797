import Foundation
import HallmarkCore
import HallmarkFederation
import HallmarkMember
import HallmarkRecords
import HallmarkStore
import HallmarkTestSupport
import Logging
import Testing

@Suite("Equivocation: an origin's two inconsistent logs are kept as evidence and the origin quarantined")
struct AdversaryEquivocationTests {
    /// brand-a with three real entries that market-c holds, and brand-b relaying a fork of brand-a's log with
    /// `forkEntries` entries signed by brand-a's key (as a malicious relay, or a brand-a that forked its log, would
    /// show it), for `body`; the nodes are stopped and the fork removed afterwards.
    static func withHonestLogAndFork(
        forkEntries: Int,
        _ body: (_ a: ServingNode, _ c: ServingNode, _ relay: ServingNode, _ fork: ForkedLog) async throws -> Void
    ) async throws {
        let fork = try await ForkedLog.make("brand-a", entries: forkEntries, tag: "forked")
        defer { fork.remove() }
        try await ServingNode.withNodes(["brand-a", "market-c", "brand-b"]) { nodes in
            let (a, c, relay) = (nodes[0], nodes[1], nodes[2])
            try await a.member.submit(
                try (0..<3).map { Submission(identifier: try Identifier(kind: .seller, value: "real:\($0)")) }
            )
            #expect(try await c.sync(from: a).fetched[a.id] == 3)
            try await relay.member.submit([Submission(identifier: try Identifier(kind: .sku, value: "B-1"))])
            try await fork.show(to: relay.member)
            try await body(a, c, relay, fork)
        }
    }

    @Test(
        "a checkpoint that rewinds a log to another root proves equivocation; the origin is quarantined until cleared"
    )
    func rewind() async throws {
        try await Self.withHonestLogAndFork(forkEntries: 2) { a, c, relay, fork in
            let before = try await c.snapshot(of: a.id)
            let held = try #require(try await c.member.store.latestCheckpoint(of: a.id))
            let offered = try await fork.checkpoint()

            let report = try await c.sync(from: relay)

            let rejection = try #require(report.rejected.first, "nothing rejected: \(report)")
            #expect(rejection.origin == "brand-a")
            #expect(rejection.code == .equivocation)
            #expect(rejection.reason.contains("brand-a equivocated"))
            #expect(rejection.reason.contains("shown by brand-b"))
            #expect(report.fetched[relay.id] == 1)
            // Nothing of the fork stored.
            let after = try await c.snapshot(of: a.id)
            #expect(after.size == before.size)
            #expect(after.root == before.root)
            #expect(after.entries == before.entries + 1)
            // Both checkpoints kept as evidence, exactly as signed.
            let evidence = try await c.member.store.equivocations(of: a.id)
            #expect(evidence.count == 1)
            #expect(evidence.first?.heldCheckpoint == held.encoded())
            #expect(evidence.first?.offeredCheckpoint == offered.encoded())
            #expect(evidence.first?.peer == relay.id)
            #expect(try Checkpoint(decoding: evidence.first?.offeredCheckpoint ?? []) == offered)
            // The origin is quarantined and the operator alerted; the relay is not blamed for the origin's fork.
            let status = try await c.member.status()
            #expect(status.quarantinedOrigins.map(\.origin) == [a.id])
            #expect(status.equivocationCount == 1)
            #expect(status.peerRejections.isEmpty)
            #expect(c.logs.lines("equivocation").first?.level == .error)

            // Seen again: the same evidence is not kept twice.
            _ = try await c.sync(from: relay)
            #expect(try await c.member.store.equivocations().count == 1)

            // Quarantined: the real brand-a's new entries are not taken either...
            try await a.member.submit([Submission(identifier: try Identifier(kind: .seller, value: "real:3"))])
            let quarantined = try await c.sync(from: a)
            #expect(quarantined.quarantined == [a.id])
            #expect(quarantined.totalFetched == 0)
            #expect(try await c.member.store.logHead(of: a.id)?.treeSize == 3)
            // ...until an operator clears the quarantine; the evidence stays.
            #expect(try await c.member.clearQuarantine(of: a.id).origin == a.id)
            #expect(try await c.sync(from: a).fetched[a.id] == 1)
            #expect(try await c.member.store.equivocations().count == 1)
        }
    }

    @Test("a fork beyond the log held is told from bad data by fetching the peer's whole log")
    func forkBeyond() async throws {
        try await Self.withHonestLogAndFork(forkEntries: 5) { a, c, relay, fork in
            let before = try await c.snapshot(of: a.id)

            let report = try await c.sync(from: relay)

            let rejection = try #require(report.rejected.first, "nothing rejected: \(report)")
            #expect(rejection.code == .equivocation)
            #expect(rejection.reason.contains("root at size 3"))
            let after = try await c.snapshot(of: a.id)
            #expect(after.size == before.size)
            #expect(after.root == before.root)
            #expect(try await c.member.store.quarantine(of: a.id) != nil)
            let evidence = try #require(try await c.member.store.equivocations(of: a.id).first)
            #expect(try Checkpoint(decoding: evidence.offeredCheckpoint).treeSize == 5)
            #expect(try Checkpoint(decoding: evidence.heldCheckpoint ?? []).treeSize == 3)
        }
    }

    @Test("a checkpoint of a node's own log that its key signed but it never made is kept as evidence")
    func ownKeyMisused() async throws {
        // Someone holding market-c's key signs another log of it, and brand-b relays it.
        let forged = try await ForkedLog.make("market-c", entries: 1, tag: "forged")
        defer { forged.remove() }
        try await ServingNode.withNodes(["market-c", "brand-b"]) { nodes in
            let (c, relay) = (nodes[0], nodes[1])
            try await c.member.submit([Submission(identifier: try Identifier(kind: .sku, value: "C-1"))])
            try await forged.show(to: relay.member)
            let report = try await c.sync(from: relay)
            #expect(report.rejected.first?.code == .equivocation)
            #expect(report.rejected.first?.reason.contains("this node's key signed a checkpoint") == true)
            #expect(try await c.member.store.equivocations(of: c.id).count == 1)
            // Its own log is not quarantined: it keeps writing.
            #expect(try await c.member.store.quarantine(of: c.id) == nil)
            try await c.member.submit([Submission(identifier: try Identifier(kind: .sku, value: "C-2"))])
            #expect(try await c.member.store.logHead(of: c.id)?.treeSize == 2)
        }
    }
}
