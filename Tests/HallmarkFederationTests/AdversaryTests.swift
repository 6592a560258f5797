import Crypto
import Foundation
import HallmarkCore
import HallmarkFederation
import HallmarkMember
import HallmarkPKI
import HallmarkProtocol
import HallmarkRecords
import HallmarkStore
import HallmarkTestSupport
import Testing
import X509

/// What a malicious relay does to brand-a's log on its way to an honest node.
enum BadData: String, CaseIterable, Sendable, CustomStringConvertible {
    case flippedEntryByte
    case forgedCheckpointSignature
    case oversizedMessage
    case undecodableEntry
    case undecodableHeadCheckpoint
    case undecodableChunkCheckpoint
    case skippedFirstIndex
    case entriesOutOfOrder
    case anotherMembersCertificate

    var description: String { rawValue }

    /// The error code and a fragment of the reason the honest node must give.
    var expected: (code: HallmarkError.Code?, reason: String) {
        switch self {
        case .flippedEntryByte: (.proofMismatch, "entries 0..<3 of brand-a do not hash to the root of its checkpoint")
        case .forgedCheckpointSignature:
            (.badSignature, "checkpoint of brand-a at size 3 is not signed by the given key")
        case .oversizedMessage: (nil, "the peer's call failed")
        case .undecodableEntry: (.malformed, "entry brand-a#0 does not decode")
        case .undecodableHeadCheckpoint: (.malformed, "the checkpoint offered for brand-a does not decode")
        case .undecodableChunkCheckpoint: (.malformed, "the checkpoint in the chunk of brand-a at 0 does not decode")
        case .skippedFirstIndex: (.malformed, "a chunk of brand-a starts at entry 1, expected 0: out of order")
        case .entriesOutOfOrder: (.malformed, "the chunk of brand-a holds entry brand-a#1 where brand-a#0 belongs")
        case .anotherMembersCertificate: (.untrustedCredential, "the certificate offered for brand-a names brand-b")
        }
    }

    func tampering(of origin: MemberID) throws -> MaliciousPeer.Tampering {
        var tampering = MaliciousPeer.Tampering(origin: origin)
        switch self {
        case .flippedEntryByte:
            tampering.chunk = { $0.entries[0] = Self.flippingDigestByte(of: $0.entries[0]) }
        case .forgedCheckpointSignature:
            let forge: @Sendable (Data) -> Data = { bytes in
                guard let real = try? Checkpoint(decoding: bytes),
                    let forged = try? Checkpoint.sign(
                        origin: real.origin,
                        treeSize: real.treeSize,
                        rootHash: real.rootHash,
                        time: real.time,
                        using: P256.Signing.PrivateKey()
                    )
                else { return bytes }
                return Data(forged.encoded())
            }
            tampering.head = { $0.checkpoint = forge($0.checkpoint) }
            tampering.chunk = { $0.checkpoint = forge($0.checkpoint) }
        case .oversizedMessage:
            // 5,000 entries of 1,000 bytes: over the 4 MiB a message may hold.
            tampering.chunk = { $0.entries = Array(repeating: Data(repeating: 0x01, count: 1_000), count: 5_000) }
        case .undecodableEntry:
            tampering.chunk = { $0.entries[0] = Data([0x01, 0xFF, 0xFF, 0x00]) }
        case .undecodableHeadCheckpoint:
            tampering.head = { $0.checkpoint = Data("not a checkpoint".utf8) }
        case .undecodableChunkCheckpoint:
            tampering.chunk = { $0.checkpoint = Data("not a checkpoint".utf8) }
        case .skippedFirstIndex:
            tampering.chunk = { $0.firstIndex += 1 }
        case .entriesOutOfOrder:
            tampering.chunk = { $0.entries.swapAt(0, 1) }
        case .anotherMembersCertificate:
            let other = try DevelopmentAuthority.certificate(of: "brand-b").derBytes()
            tampering.head = { $0.certificateDer = Data(other) }
        }
        return tampering
    }

    /// The entry with one byte of its digest flipped: it still decodes, but no longer hashes to the signed root.
    static func flippingDigestByte(of data: Data) -> Data {
        var bytes = [UInt8](data)
        guard let entry = try? Entry(decoding: bytes), let range = bytes.firstRange(of: entry.digest.bytes) else {
            return data
        }
        bytes[range.lowerBound] ^= 0x01
        return Data(bytes)
    }
}

@Suite("Bad data from a peer is rejected whole, reported, and the node goes on")
struct AdversaryTests {
    @Test(
        "a malicious relay's bad log of one origin is rejected, nothing of it stored; the rest syncs",
        arguments: BadData.allCases
    )
    func badData(_ bad: BadData) async throws {
        let a = try await ServingNode.start("brand-a")
        let relay = try await ServingNode.start("brand-b")
        let c = try await ServingNode.start("market-c")
        let origin = a.id
        let sellers = try (0..<3).map { try Identifier(kind: .seller, value: "shopmart:fake \($0)") }
        try await a.member.submit(sellers.map { Submission(identifier: $0) })
        try await relay.member.submit([Submission(identifier: try Identifier(kind: .sku, value: "B-1"))])
        _ = try await relay.sync(from: a)
        let peer = try await MaliciousPeer.start(
            serving: relay.member,
            as: "brand-b",
            tampering: try bad.tampering(of: origin)
        )
        defer {
            Task {
                await peer.stop()
                await a.stop()
                await relay.stop()
                await c.stop()
            }
        }

        let report = try await c.sync(from: peer.address)

        let rejection = try #require(report.rejected.first, "nothing rejected: \(report)")
        #expect(report.rejected.count == 1, "\(report)")
        #expect(rejection.origin == "brand-a")
        #expect(rejection.code == bad.expected.code)
        #expect(rejection.reason.contains(bad.expected.reason), "reason: \(rejection.reason)")
        #expect(report.description.contains("REJECTED brand-a"))
        // Nothing of brand-a is stored; the relay's own log came through in the same round.
        #expect(try await c.member.store.logHead(of: origin) == nil)
        #expect(try await !c.member.check(sellers[0]).isListed)
        #expect(report.fetched[relay.id] == 1)
        #expect(try await c.member.status().store.entryCount == 1)
        // The peer is reported in the status.
        let status = try await c.member.status()
        let reported = try #require(status.peerRejections.first)
        #expect(status.peerRejections.count == 1)
        #expect(reported.peer == relay.id)
        #expect(reported.origin == "brand-a")
        #expect(reported.count == 1)
        #expect(reported.reason.contains(bad.expected.reason))
        #expect(status.quarantinedOrigins.isEmpty)

        // The next round with an honest peer brings brand-a's log.
        let honest = try await c.sync(from: a)
        #expect(honest.rejected.isEmpty)
        #expect(honest.fetched[origin] == 3)
        #expect(try await c.member.check(sellers[0]).isListed)
    }

    @Test("rejections are counted per peer and origin, and the node keeps serving its peers")
    func countedAndServing() async throws {
        let a = try await ServingNode.start("brand-a")
        let c = try await ServingNode.start("market-c")
        let d = try await ServingNode.start("brand-b")
        try await a.member.submit([Submission(identifier: try Identifier(kind: .sku, value: "A-1"))])
        let peer = try await MaliciousPeer.start(
            serving: a.member,
            as: "brand-b",
            tampering: try BadData.flippedEntryByte.tampering(of: a.id)
        )
        defer {
            Task {
                await peer.stop()
                await a.stop()
                await c.stop()
                await d.stop()
            }
        }
        for _ in 0..<3 { _ = try await c.sync(from: peer.address) }
        let rejections = try await c.member.status().peerRejections
        #expect(rejections.map(\.count) == [3])
        #expect(rejections.map(\.origin) == ["brand-a"])

        // C still syncs from honest peers and serves them.
        #expect(try await c.sync(from: a).fetched[a.id] == 1)
        #expect(try await d.sync(from: c).fetched[a.id] == 1)
    }
}
