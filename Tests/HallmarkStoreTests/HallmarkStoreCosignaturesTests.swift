import Crypto
import Foundation
import HallmarkCore
import HallmarkRecords
import HallmarkStore
import Testing

@Suite("HallmarkStore cosignatures")
struct HallmarkStoreCosignaturesTests {
    @Test(
        "cosignatures are kept once per cosigner and statement, own first; held statements are the log's and evidence's"
    )
    func keepAndFind() async throws {
        let (store, folder) = try temporaryStore("node-x")
        defer { try? FileManager.default.removeItem(at: folder) }
        var log = try LogBuilder("brand-a")
        _ = try log.add(.assert, digest(1))
        _ = try log.add(.assert, digest(2))
        let batch = try log.batch(receivedFrom: try MemberID("brand-b"))
        try await store.append(batch)
        let held = batch.checkpoint
        // The same statement signed again (ECDSA signatures differ), and another root at the same size.
        let resigned = try Checkpoint.sign(
            origin: held.origin,
            treeSize: held.treeSize,
            rootHash: held.rootHash,
            time: held.time,
            using: log.key
        )
        let other = try Checkpoint.sign(
            origin: held.origin,
            treeSize: held.treeSize,
            rootHash: digest(9),
            time: held.time,
            using: log.key
        )
        #expect(resigned.signature != held.signature)
        #expect(try await store.holdsStatement(of: held) == .log)
        #expect(try await store.holdsStatement(of: resigned) == .log)
        #expect(try await store.holdsStatement(of: other) == nil)

        func cosignature(_ cosigner: String, of checkpoint: Checkpoint, from: String) throws -> StoredCosignature {
            StoredCosignature(
                try Cosignature.sign(
                    checkpoint,
                    cosigner: try MemberID(cosigner),
                    time: Timestamp(millisecondsSince1970: 1_796_299_265_000),
                    using: P256.Signing.PrivateKey()
                ),
                of: checkpoint,
                certificatePEM: "PEM of \(cosigner)",
                receivedFrom: try MemberID(from),
                receivedAt: Timestamp(millisecondsSince1970: 1_796_299_300_000)
            )
        }
        let byB = try cosignature("brand-b", of: held, from: "brand-b")
        let own = try cosignature("node-x", of: held, from: "node-x")
        #expect(try await store.recordCosignatures([byB, own]) == 2)
        // Again, or another cosignature by the same cosigner of the same statement: nothing new.
        #expect(
            try await store.recordCosignatures([byB, try cosignature("brand-b", of: resigned, from: "market-c")]) == 0
        )
        #expect(try await store.cosignatures(of: held) == [own, byB])
        #expect(try await store.cosignatures(of: resigned).map(\.cosigner.rawValue) == ["node-x", "brand-b"])
        #expect(try await store.cosignatures(of: other).isEmpty)

        // A checkpoint kept as equivocation evidence is held too, and its cosignatures are kept with it.
        try await store.recordEquivocation(
            EquivocationEvidence(
                origin: held.origin,
                heldCheckpoint: held.encoded(),
                offeredCheckpoint: other.encoded(),
                offeredCertificatePEM: "PEM of brand-a",
                peer: try MemberID("market-c"),
                detectedAt: .now()
            ),
            quarantine: true
        )
        #expect(try await store.holdsStatement(of: other) == .evidence)
        let byC = try cosignature("market-c", of: other, from: "market-c")
        #expect(try await store.recordCosignatures([byC]) == 1)
        #expect(try await store.cosignatures(of: other) == [byC])

        // Who showed this store the log: the member its last entry came from.
        #expect(try await store.receipt(of: held.origin, index: 1)?.from.rawValue == "brand-b")
        #expect(try await store.receipt(of: held.origin, index: 2) == nil)
    }
}
