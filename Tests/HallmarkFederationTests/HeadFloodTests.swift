import Crypto
import Foundation
import HallmarkCore
import HallmarkMember
import HallmarkPKI
import HallmarkProtocol
import HallmarkRecords
import HallmarkTestSupport
import Testing

@testable import HallmarkFederation

/// A peer that announces far more than it serves must not get the victim's time in proportion.
@Suite("A flood of heads is not obeyed")
struct HeadFloodTests {
    /// `count` heads of brand-b's log, validly signed with its development key, for logs nobody holds.
    static func presignedHeads(_ count: Int) throws -> [Hallmark_V1_OriginHead] {
        let folder = DevelopmentAlliance.folder.appendingPathComponent("brand-b")
        let credentials = try MemberCredentials.load(
            certificateFile: folder.appendingPathComponent("member.pem"),
            keyFile: folder.appendingPathComponent("member-key.pem")
        )
        let der = try DevelopmentAuthority.certificate(of: "brand-b").derBytes()
        return try (1...count).map { size in
            let checkpoint = try Checkpoint.sign(
                origin: credentials.memberID,
                treeSize: UInt64(size),
                rootHash: Hash256(SHA256.hash(data: Data("withheld \(size)".utf8))),
                time: .now(),
                using: credentials.privateKey
            )
            var head = Hallmark_V1_OriginHead()
            head.origin = credentials.memberID.rawValue
            head.checkpoint = Data(checkpoint.encoded())
            head.certificateDer = Data(der)
            return head
        }
    }

    @Test("a watch stream of 2 000 heads whose logs are withheld costs a few fetches, and the peer is named")
    func watchFlood() async throws {
        try await ServingNode.withNodes(["brand-a", "market-c"]) { nodes in
            let (a, c) = (nodes[0], nodes[1])
            var tampering = MaliciousPeer.Tampering(origin: try MemberID("brand-b"))
            tampering.watchFlood = try Self.presignedHeads(2_000)
            let peer = try await MaliciousPeer.start(serving: a.member, as: "brand-b", tampering: tampering)
            defer { Task { await peer.stop() } }

            let sync = PeerSync(
                engine: SyncEngine(member: c.member, logger: c.logs.logger),
                peer: peer.address,
                interval: .seconds(86_400),
                lock: PullLock(),
                logger: c.logs.logger
            )
            let running = Task { try await sync.run() }
            // Until the node backs off (bounded), then long enough for an unbudgeted node to fetch hundreds of times.
            let backoff = "backing off a peer whose announced logs fail: its heads are ignored for a while"
            let deadline = ContinuousClock.now + .seconds(60)
            while c.logs.lines(backoff).isEmpty, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            try await Task.sleep(for: .seconds(2))
            running.cancel()
            _ = await running.result

            // The first round's fetch of brand-a's log, and the strikes before the back-off.
            #expect(peer.fetchLogCalls.count <= 1 + HeadBudget.strikesToBackOff, "\(peer.fetchLogCalls.count) fetches")
            #expect(c.logs.lines(backoff).count == 1)
            let rejections = try await c.member.peerRejections()
            #expect(rejections.map(\.peer) == [peer.member], "the offender is named: \(rejections)")
        }
    }

    @Test("a GetHeads answer of more heads than the limit is rejected whole, counted and shown")
    func tooManyHeads() async throws {
        try await ServingNode.withNodes(["brand-a", "market-c"]) { nodes in
            let (a, c) = (nodes[0], nodes[1])
            try await a.member.submit([Submission(identifier: try Identifier(kind: .sku, value: "HEADS-1"))])
            var tampering = MaliciousPeer.Tampering(origin: try MemberID("brand-b"))
            var bogus = Hallmark_V1_OriginHead()
            bogus.origin = "brand-b"
            tampering.extraHeads = Array(repeating: bogus, count: FederationLimits.maximumHeadsPerAnswer)
            let peer = try await MaliciousPeer.start(serving: a.member, as: "brand-b", tampering: tampering)
            defer { Task { await peer.stop() } }

            let report = try await c.sync(from: peer.address)
            #expect(report.rejected.map(\.origin) == [SyncEngine.headsOrigin])
            #expect(report.rejected.first?.reason.contains("offers 4097 heads in one GetHeads answer") == true)
            #expect(peer.fetchLogCalls.count == 0, "nothing of the answer is acted upon")
            let status = try await c.member.status()
            #expect(status.peerRejections.map(\.peer) == [peer.member])
            // The store keeps what names no origin under "*", with the reason.
            #expect(status.peerRejections.map(\.origin) == ["*"])
            #expect(status.peerRejections.first?.reason.contains("GetHeads answer") == true)
        }
    }

    @Test("a GetHeads answer over the 4 MiB message limit is rejected, counted and shown")
    func oversizedHeads() async throws {
        try await ServingNode.withNodes(["brand-a", "market-c"]) { nodes in
            let (a, c) = (nodes[0], nodes[1])
            var tampering = MaliciousPeer.Tampering(origin: try MemberID("brand-b"))
            var bulky = Hallmark_V1_OriginHead()
            bulky.origin = "brand-b"
            bulky.certificateDer = Data(repeating: 0x30, count: 1_200)
            tampering.extraHeads = Array(repeating: bulky, count: 4_000)
            let peer = try await MaliciousPeer.start(serving: a.member, as: "brand-b", tampering: tampering)
            defer { Task { await peer.stop() } }

            let report = try await c.sync(from: peer.address)
            #expect(report.rejected.map(\.origin) == [SyncEngine.headsOrigin], "\(report)")
            #expect(report.rejected.first?.reason.contains("GetHeads answer is over the limits") == true)
            #expect(try await c.member.status().peerRejections.map(\.peer) == [peer.member])
        }
    }
}
