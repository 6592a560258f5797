import Crypto
import Foundation
import HallmarkCore
import Testing

@Suite struct CosignatureTests {
    typealias Support = LogTestSupport

    /// `Protocol/test-vectors/cosignatures.json`.
    struct Vectors: Decodable {
        struct TestKey: Decodable {
            var privateKeyRawHex: String
            var publicKeyPEM: String
        }
        struct Item: Decodable {
            var cosigner: String
            var timeSeconds: Int64
            var checkpointSignedBody: String
            var signedMessage: String
            var signatureHex: String
        }
        var testKey: TestKey
        var cosignatures: [Item]
    }

    static let globex = try! MemberID("globex-market")

    /// The cosignature vectors, each with the checkpoint of `checkpoints.json` whose body it cosigns.
    static func vectors() throws -> (Vectors, [(Vectors.Item, Checkpoint)]) {
        let vectors = try Support.vectors("cosignatures.json", as: Vectors.self)
        let checkpoints = try Support.vectors("checkpoints.json", as: Support.CheckpointVectors.self).checkpoints
            .map { try Checkpoint(decoding: Support.bytes(hex: $0.encodedHex)) }
        let pairs = try vectors.cosignatures.map { item in
            let checkpoint = try #require(
                checkpoints.first { $0.signedBody == Array(item.checkpointSignedBody.utf8) },
                "no checkpoint in checkpoints.json has the body cosigned"
            )
            return (item, checkpoint)
        }
        return (vectors, pairs)
    }

    @Test func vectorsRenderTheDocumentedMessageAndVerify() throws {
        let (vectors, pairs) = try Self.vectors()
        let publicKey = try P256.Signing.PublicKey(pemRepresentation: vectors.testKey.publicKeyPEM)
        let key = try P256.Signing.PrivateKey(rawRepresentation: Support.bytes(hex: vectors.testKey.privateKeyRawHex))
        #expect(key.publicKey.x963Representation == publicKey.x963Representation)
        #expect(pairs.count >= 3)
        for (item, checkpoint) in pairs {
            let cosignature = try Cosignature(
                cosigner: MemberID(item.cosigner),
                time: Timestamp(millisecondsSince1970: item.timeSeconds * 1000),
                signature: Support.bytes(hex: item.signatureHex)
            )
            #expect(cosignature.seconds == item.timeSeconds)
            #expect(cosignature.signedMessage(for: checkpoint) == Array(item.signedMessage.utf8))
            #expect(
                item.signedMessage
                    == "cosignature/v1\ntime \(item.timeSeconds)\n" + item.checkpointSignedBody
            )
            try cosignature.verify(checkpoint, using: publicKey)
        }
    }

    @Test func signsWholeSecondsAndVerifiesOnlyItsCheckpointAndKey() throws {
        let (vectors, pairs) = try Self.vectors()
        let key = try P256.Signing.PrivateKey(rawRepresentation: Support.bytes(hex: vectors.testKey.privateKeyRawHex))
        let (_, checkpoint) = pairs[0]
        let (_, other) = pairs[1]
        let cosignature = try Cosignature.sign(
            checkpoint,
            cosigner: Self.globex,
            time: Timestamp(millisecondsSince1970: 1_796_299_265_987),
            using: key
        )
        #expect(cosignature.time.millisecondsSince1970 == 1_796_299_265_000)
        #expect(cosignature.seconds == 1_796_299_265)
        try cosignature.verify(checkpoint, using: key.publicKey)
        // Not over another checkpoint of the same origin, not with another key, not at another time.
        Support.expectError(.badSignature, location: "signature") {
            try cosignature.verify(other, using: key.publicKey)
        }
        Support.expectError(.badSignature) {
            try cosignature.verify(checkpoint, using: P256.Signing.PrivateKey().publicKey)
        }
        let moved = try Cosignature(
            cosigner: Self.globex,
            time: Timestamp(millisecondsSince1970: 1_796_299_266_000),
            signature: cosignature.signature
        )
        Support.expectError(.badSignature) { try moved.verify(checkpoint, using: key.publicKey) }
        // The origin's own checkpoint signature is not a cosignature: the messages differ.
        let asCosignature = try Cosignature(
            cosigner: Self.globex,
            time: cosignature.time,
            signature: checkpoint.signature
        )
        Support.expectError(.badSignature) { try asCosignature.verify(checkpoint, using: key.publicKey) }
    }

    @Test func refusesTimesOutOfRangeOrNotWholeSecondsAndNonDERSignatures() throws {
        let (vectors, _) = try Self.vectors()
        let signature = Support.bytes(hex: vectors.cosignatures[0].signatureHex)
        for milliseconds: Int64 in [1_796_299_265_001, -1000, 253_402_300_800_000] {
            Support.expectError(.invalidValue, location: "time") {
                try Cosignature(
                    cosigner: Self.globex,
                    time: Timestamp(millisecondsSince1970: milliseconds),
                    signature: signature
                )
            }
        }
        for bad in [[], [0x30, 0x00], signature + [0], Array(repeating: 0x30, count: 73)] {
            Support.expectError(.invalidValue, location: "signature") {
                try Cosignature(cosigner: Self.globex, time: Timestamp(millisecondsSince1970: 0), signature: bad)
            }
        }
    }
}
