import Foundation
import HallmarkCore
import HallmarkFederation
import HallmarkMember
import HallmarkStore
import HallmarkTestSupport
import Logging
import Testing

@Suite("Equivocation: an origin's two inconsistent logs are kept as evidence and the origin quarantined")
struct AdversaryEquivocationTests {
    /// A second brand-a log, signed with brand-a's development key but unlike the real one, held by a brand-b
    /// node that relays it (as a malicious relay, or a brand-a that forked its log, would show it).
    struct Fork {
        let forger: MemberNode
        let forgerFolder: URL
        let relay: ServingNode

        static func make(entries: Int) async throws -> Fork {
            let folder = DevelopmentAlliance.temporaryFolder("hallmark-fork")
            let forger = try await DevelopmentAlliance.makeNode("brand-a", in: folder)
            try await forger.submit(
                try (0..<entries).map { Submission(identifier: try Identifier(kind: .seller, value: "forked:\($0)")) }
            )
            let relay = try await ServingNode.start("brand-b")
            try await relay.member.submit([Submission(identifier: try Identifier(kind: .sku, value: "B-1"))])
            try await DevelopmentAlliance.relay(logOf: forger.identity.member, from: forger, to: relay.member)
            return Fork(forger: forger, forgerFolder: folder, relay: relay)
        }

        func stop() async {
            await relay.stop()
            try? FileManager.default.removeItem(at: forgerFolder)
        }
    }

    /// brand-a with three real entries, market-c holding them, and a relay serving a fork of brand-a's log with
    /// `forkEntries` entries signed by brand-a's key.
    static func honestLogAndFork(forkEntries: Int) async throws -> (ServingNode, ServingNode, Fork) {
        let a = try await ServingNode.start("brand-a")
        let c = try await ServingNode.start("market-c")
        try await a.member.submit(
            try (0..<3).map { Submission(identifier: try Identifier(kind: .seller, value: "real:\($0)")) }
        )
        #expect(try await c.sync(from: a).fetched[a.id] == 3)
        return (a, c, try await Fork.make(entries: forkEntries))
    }

    @Test(
        "a checkpoint that rewinds a log to another root proves equivocation; the origin is quarantined until cleared"
    )
    func rewind() async throws {
        let (a, c, fork) = try await Self.honestLogAndFork(forkEntries: 2)
        defer {
            Task {
                await fork.stop()
                await a.stop()
                await c.stop()
            }
        }
        let before = try await c.snapshot(of: a.id)
        let held = try #require(try await c.member.store.latestCheckpoint(of: a.id))
        let offered = try #require(try await fork.forger.store.latestCheckpoint(of: a.id))

        let report = try await c.sync(from: fork.relay)

        let rejection = try #require(report.rejected.first, "nothing rejected: \(report)")
        #expect(rejection.origin == "brand-a")
        #expect(rejection.code == .equivocation)
        #expect(rejection.reason.contains("brand-a equivocated"))
        #expect(rejection.reason.contains("shown by brand-b"))
        #expect(report.fetched[fork.relay.id] == 1)
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
        #expect(evidence.first?.peer == fork.relay.id)
        #expect(try Checkpoint(decoding: evidence.first?.offeredCheckpoint ?? []) == offered)
        // The origin is quarantined and the operator alerted; the relay is not blamed for the origin's fork.
        let status = try await c.member.status()
        #expect(status.quarantinedOrigins.map(\.origin) == [a.id])
        #expect(status.equivocationCount == 1)
        #expect(status.peerRejections.isEmpty)
        #expect(c.logs.lines("equivocation").first?.level == .error)

        // Seen again: the same evidence is not kept twice.
        _ = try await c.sync(from: fork.relay)
        #expect(try await c.member.store.equivocations().count == 1)

        // Quarantined: the real brand-a's new entries are not taken either...
        try await a.member.submit([Submission(identifier: try Identifier(kind: .seller, value: "real:3"))])
        let quarantined = try await c.sync(from: a)
        #expect(quarantined.quarantined == [a.id])
        #expect(quarantined.totalFetched == 0)
        #expect(try await c.member.store.logHead(of: a.id)?.treeSize == 3)
        // ...until an operator clears the quarantine; the evidence stays.
        #expect(try await c.member.clearQuarantine(of: a.id))
        #expect(try await c.sync(from: a).fetched[a.id] == 1)
        #expect(try await c.member.store.equivocations().count == 1)
    }

    @Test("a fork beyond the log held is told from bad data by fetching the peer's whole log")
    func forkBeyond() async throws {
        let (a, c, fork) = try await Self.honestLogAndFork(forkEntries: 5)
        defer {
            Task {
                await fork.stop()
                await a.stop()
                await c.stop()
            }
        }
        let before = try await c.snapshot(of: a.id)

        let report = try await c.sync(from: fork.relay)

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

    @Test("a checkpoint of a node's own log that its key signed but it never made is kept as evidence")
    func ownKeyMisused() async throws {
        let c = try await ServingNode.start("market-c")
        try await c.member.submit([Submission(identifier: try Identifier(kind: .sku, value: "C-1"))])
        // Someone holding market-c's key signs another log of it, and brand-b relays it.
        let folder = DevelopmentAlliance.temporaryFolder("hallmark-fork")
        let forger = try await DevelopmentAlliance.makeNode("market-c", in: folder)
        try await forger.submit([Submission(identifier: try Identifier(kind: .sku, value: "not C's"))])
        let relay = try await ServingNode.start("brand-b")
        try await DevelopmentAlliance.relay(logOf: c.id, from: forger, to: relay.member)
        defer {
            Task {
                await relay.stop()
                await c.stop()
                try? FileManager.default.removeItem(at: folder)
            }
        }
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
