import Crypto
import Foundation
import HallmarkCore
import HallmarkDocuments
import HallmarkMember
import HallmarkPKI
import HallmarkProtocol
import HallmarkRecords
import HallmarkStore
import HallmarkTestSupport
import Logging
import SwiftASN1
import Testing
import X509

@testable import HallmarkFederation

@Suite("Witnessed checkpoints: nodes cosign what they verified and gossip it, so that a forked log is caught")
struct WitnessedCheckpointTests {
    static let brandA = try! MemberID("brand-a")

    /// The key of a development member's certificate.
    static func publicKey(of member: String) throws -> P256.Signing.PublicKey {
        try DevelopmentAuthority.certificate(of: member).signingPublicKey()
    }

    /// One sync round of `node` with a brand-b peer that serves `source`'s store with brand-a's heads altered by
    /// `tamper`; the peer is stopped, awaited, afterwards.
    static func sync(
        _ node: ServingNode,
        fromTampered source: Member,
        _ tamper: @escaping @Sendable (inout Hallmark_V1_OriginHead) -> Void
    ) async throws -> SyncReport {
        let peer = try await MaliciousPeer.start(
            serving: source,
            as: "brand-b",
            tampering: MaliciousPeer.Tampering(origin: brandA, head: tamper)
        )
        let report: Result<SyncReport, any Error>
        do {
            report = .success(try await node.sync(from: peer.address))
        } catch {
            report = .failure(error)
        }
        await peer.stop()
        return try report.get()
    }

    @Test(
        "brand-a shows B and C two forks: once they sync, each holds both checkpoints and the other's cosignature"
    )
    func equivocationCaughtWhenViewsMeet() async throws {
        // Two inconsistent logs signed with brand-a's one key: 2 entries for B, 3 other entries for C.
        let forB = try await ForkedLog.make("brand-a", entries: 2, tag: "shown-to-b")
        let forC = try await ForkedLog.make("brand-a", entries: 3, tag: "shown-to-c")
        defer {
            forB.remove()
            forC.remove()
        }
        try await ServingNode.withNodes(["brand-b", "market-c"]) { nodes in
            let (b, c) = (nodes[0], nodes[1])
            try await forB.show(to: b.member)
            try await forC.show(to: c.member)
            let seenByB = try await forB.checkpoint()
            let seenByC = try await forC.checkpoint()
            // Each cosigned what it verified and committed, and nothing else.
            #expect(try await b.member.store.cosignatures(of: seenByB).map(\.cosigner) == [b.id])
            #expect(try await c.member.store.cosignatures(of: seenByC).map(\.cosigner) == [c.id])
            #expect(try await b.member.store.cosignatures(of: seenByC).isEmpty)

            // B pulls from C (C's checkpoint is larger: B fetches, the chunk fails, the replay shows the fork),
            // then C from B (B's is smaller: its root differs from C's log at that size).
            let bFromC = try await b.sync(from: c)
            let cFromB = try await c.sync(from: b)
            for report in [bFromC, cFromB] {
                let rejection = try #require(report.rejected.first { $0.origin == "brand-a" }, "\(report)")
                #expect(rejection.code == .equivocation)
            }

            let key = try Self.publicKey(of: "brand-a")
            for (node, other, held, offered) in [(b, c, seenByB, seenByC), (c, b, seenByC, seenByB)] {
                #expect(try await node.member.store.quarantine(of: Self.brandA) != nil)
                let evidence = try await node.member.store.equivocations(of: Self.brandA)
                #expect(evidence.count == 1)
                let item = try #require(evidence.first)
                #expect(item.peer == other.id)
                // Both checkpoints' exact bytes, both signed by brand-a's certified key...
                #expect(item.heldCheckpoint == held.encoded())
                #expect(item.offeredCheckpoint == offered.encoded())
                try Checkpoint(decoding: item.heldCheckpoint ?? []).verifySignature(using: key)
                try Checkpoint(decoding: item.offeredCheckpoint).verifySignature(using: key)
                // ...and inconsistent: the larger log's root at the smaller size is not the smaller's root.
                let (small, large, largeFork) =
                    seenByB.treeSize < seenByC.treeSize
                    ? (seenByB, seenByC, forC) : (seenByC, seenByB, forB)
                #expect(large.treeSize > small.treeSize)
                #expect(
                    try await largeFork.node.store.rootHash(of: Self.brandA, atSize: small.treeSize) != small.rootHash
                )
                // The other node's cosignature of what it was shown is kept with the evidence, and verifies.
                let vouched = try await node.member.store.cosignatures(of: offered)
                #expect(vouched.map(\.cosigner) == [other.id])
                #expect(vouched.first?.receivedFrom == other.id)
                try vouched.first?.cosignature.verify(offered, using: try Self.publicKey(of: other.id.rawValue))
                #expect(try await node.member.store.cosignatures(of: held).map(\.cosigner) == [node.id])

                // `audit origin brand-a --json` shows all of it, as evidence.
                let audit = OriginAudit(try await node.member.auditOrigin(Self.brandA))
                let json = try APIDocument.makeEncoder().encode(audit)
                let decoder = JSONDecoder()
                decoder.keyDecodingStrategy = .convertFromSnakeCase
                let shown = try decoder.decode(OriginAudit.self, from: json)
                #expect(shown == audit)
                #expect(shown.quarantine != nil)
                #expect(shown.logSize == held.treeSize)
                #expect(shown.latestCheckpoint?.cosignatures.map(\.cosigner) == [node.id.rawValue])
                let equivocation = try #require(shown.equivocations.first)
                #expect(equivocation.offeredBy == other.id.rawValue)
                #expect(Data(base64Encoded: equivocation.held?.bytes ?? "") == Data(held.encoded()))
                #expect(Data(base64Encoded: equivocation.offered.bytes) == Data(offered.encoded()))
                #expect(equivocation.held?.receivedFrom == "brand-a")
                #expect(equivocation.offered.receivedFrom == other.id.rawValue)
                let otherCosignature = try #require(equivocation.offered.cosignatures.first)
                #expect(otherCosignature.cosigner == other.id.rawValue)
                let cosigner = try Certificate(pemEncoded: otherCosignature.certificatePem)
                try Cosignature(
                    cosigner: other.id,
                    time: Timestamp(millisecondsSince1970: otherCosignature.seconds * 1000),
                    signature: Array(try #require(Data(base64Encoded: otherCosignature.signature)))
                ).verify(offered, using: try cosigner.signingPublicKey())
                #expect(json.count > 0 && String(decoding: json, as: UTF8.self).contains("\"offered_by\""))
            }
        }
    }

    @Test("cosignatures gossip: C learns B's cosignature of A's checkpoint, and A learns who witnessed its own")
    func cosignaturesGossip() async throws {
        try await ServingNode.withNodes(["brand-a", "brand-b", "market-c"]) { nodes in
            let (a, b, c) = (nodes[0], nodes[1], nodes[2])
            try await a.member.submit([Submission(identifier: try Identifier(kind: .sku, value: "A-1"))])
            let checkpoint = try #require(try await a.member.store.latestCheckpoint(of: a.id))
            // A node does not cosign its own checkpoints.
            #expect(try await a.member.store.cosignatures(of: checkpoint).isEmpty)

            #expect(try await b.sync(from: a).fetched[a.id] == 1)
            #expect(try await b.member.store.cosignatures(of: checkpoint).map(\.cosigner) == [b.id])
            #expect(try await c.sync(from: b).fetched[a.id] == 1)
            let atC = try await c.member.store.cosignatures(of: checkpoint)
            #expect(atC.map(\.cosigner) == [c.id, b.id])
            #expect(atC.last?.receivedFrom == b.id)
            try atC.last?.cosignature.verify(checkpoint, using: try Self.publicKey(of: "brand-b"))

            // A hears from C who vouched for its checkpoint; then B hears C's cosignature from A.
            _ = try await a.sync(from: c)
            #expect(Set(try await a.member.store.cosignatures(of: checkpoint).map(\.cosigner)) == [b.id, c.id])
            _ = try await b.sync(from: a)
            #expect(try await b.member.store.cosignatures(of: checkpoint).map(\.cosigner) == [b.id, c.id])
            #expect(try await b.member.store.peerRejections().isEmpty)
            // Shown again, nothing is kept twice.
            _ = try await c.sync(from: b)
            #expect(try await c.member.store.cosignatures(of: checkpoint).count == 2)

            let audit = OriginAudit(try await c.member.auditOrigin(a.id))
            #expect(audit.latestCheckpoint?.cosignatures.map(\.cosigner) == ["market-c", "brand-b"])
            #expect(audit.equivocations.isEmpty)
            #expect(audit.quarantine == nil)
        }
    }

    @Test(
        "forged, other-CA, revoked or malformed cosignatures are ignored and recorded; the head still syncs"
    )
    func badCosignaturesIgnored() async throws {
        let authority = try DevelopmentAuthority.load()
        let rogue = try authority.issueMember(id: try MemberID("rogue-d"), name: "Rogue D", hosts: ["127.0.0.1"])
        let fresh = try authority.issueMember(id: try MemberID("fresh-e"), name: "Fresh E", hosts: ["127.0.0.1"])
        let other = try AllianceAuthority.create(name: "Other Alliance")
        let outsider = try other.issueMember(id: try MemberID("outsider-f"), name: "Outsider F", hosts: ["127.0.0.1"])
        let revocations = try DevelopmentAuthority.revoking([rogue.certificate])
        let fork = try await ForkedLog.make("brand-a", entries: 2, tag: "real")
        defer { fork.remove() }

        try await ServingNode.withNodes(["brand-b", "market-c"], revocations: revocations) { nodes in
            let (b, c) = (nodes[0], nodes[1])
            try await fork.show(to: b.member)
            let checkpoint = try await fork.checkpoint()
            func offered(
                _ credentials: MemberCredentials,
                signedBy key: P256.Signing.PrivateKey? = nil,
                name: String? = nil
            )
                throws -> Hallmark_V1_Cosignature
            {
                let cosignature = try Cosignature.sign(
                    checkpoint,
                    cosigner: credentials.memberID,
                    time: .now(),
                    using: key ?? credentials.privateKey
                )
                var item = Hallmark_V1_Cosignature()
                item.cosigner = name ?? credentials.memberID.rawValue
                item.time = UInt64(cosignature.seconds)
                item.signature = Data(cosignature.signature)
                item.certificateDer = Data(try credentials.certificate.derBytes())
                return item
            }
            let bad = [
                try offered(fresh, signedBy: P256.Signing.PrivateKey()),  // forged: not fresh-e's key
                try offered(outsider),  // another CA's member
                try offered(rogue),  // revoked
                try offered(fresh, name: "Fresh E"),  // not a member id
            ]
            let report = try await Self.sync(c, fromTampered: b.member) { $0.cosignatures += bad }

            #expect(report.fetched[Self.brandA] == 2)
            #expect(report.rejected.isEmpty)
            let kept = try await c.member.store.cosignatures(of: checkpoint)
            #expect(kept.map(\.cosigner) == [c.id, b.id])
            let rejection = try #require(try await c.member.store.peerRejections().first)
            #expect(rejection.peer == b.id)
            #expect(rejection.origin == "brand-a")
            #expect(rejection.count == bad.count)
            let reasons = c.logs.lines("ignored a peer's cosignature").compactMap { $0.metadata["error"] }
            #expect(reasons.count == bad.count)
            #expect(reasons.contains { $0.contains("does not verify") })
            #expect(reasons.contains { $0.contains("was not issued by the alliance CA") })
            #expect(reasons.contains { $0.contains("revoked") })
            #expect(reasons.contains { $0.contains("member id") })
        }
    }

    @Test("a head with more cosignatures than the limit has them all ignored and recorded, and still syncs")
    func tooManyCosignatures() async throws {
        let fork = try await ForkedLog.make("brand-a", entries: 1, tag: "real")
        defer { fork.remove() }
        try await ServingNode.withNodes(["brand-b", "market-c"]) { nodes in
            let (b, c) = (nodes[0], nodes[1])
            try await fork.show(to: b.member)
            let report = try await Self.sync(c, fromTampered: b.member) { head in
                head.cosignatures = Array(
                    repeating: head.cosignatures[0],
                    count: FederationLimits.maximumCosignaturesPerHead + 1
                )
            }
            #expect(report.fetched[Self.brandA] == 1)
            let checkpoint = try await fork.checkpoint()
            #expect(try await c.member.store.cosignatures(of: checkpoint).map(\.cosigner) == [c.id])
            let rejection = try #require(try await c.member.store.peerRejections().first)
            #expect(rejection.reason.contains("at most \(FederationLimits.maximumCosignaturesPerHead)"))
        }
    }
}
