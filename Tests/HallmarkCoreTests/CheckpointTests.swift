import Crypto
import Foundation
import HallmarkCore
import Testing

@Suite struct CheckpointTests {
    typealias Support = LogTestSupport

    static let acme = try! MemberID("acme-brand")

    static func testKey() throws -> (P256.Signing.PrivateKey, Support.CheckpointVectors) {
        let vectors = try Support.vectors("checkpoints.json", as: Support.CheckpointVectors.self)
        let key = try P256.Signing.PrivateKey(rawRepresentation: Support.bytes(hex: vectors.testKey.privateKeyRawHex))
        return (key, vectors)
    }

    @Test func theTestKeyIsTheOneItsPublicFormsDescribe() throws {
        let (key, vectors) = try Self.testKey()
        let fromPEM = try P256.Signing.PublicKey(pemRepresentation: vectors.testKey.publicKeyPEM)
        #expect(Array(fromPEM.x963Representation) == Support.bytes(hex: vectors.testKey.publicKeyX963Hex))
        #expect(key.publicKey.x963Representation == fromPEM.x963Representation)
    }

    @Test func vectorsDecodeRenderAndVerify() throws {
        let (_, vectors) = try Self.testKey()
        let publicKey = try P256.Signing.PublicKey(pemRepresentation: vectors.testKey.publicKeyPEM)
        let merkle = try Support.vectors("merkle.json", as: Support.MerkleVectors.self)
        #expect(vectors.checkpoints.count >= 3)
        for vector in vectors.checkpoints {
            let encoded = Support.bytes(hex: vector.encodedHex)
            let checkpoint = try Checkpoint(decoding: encoded)
            #expect(checkpoint.origin.rawValue == vector.origin)
            #expect(checkpoint.treeSize == vector.treeSize)
            #expect(checkpoint.rootHash.hex == vector.rootHash)
            #expect(checkpoint.time.millisecondsSince1970 == vector.timeMs)
            #expect(checkpoint.signature == Support.bytes(hex: vector.signatureHex))
            #expect(checkpoint.signedBody == Array(vector.signedBody.utf8))
            #expect(checkpoint.encoded() == encoded)
            try checkpoint.verifySignature(using: publicKey)
            // The checkpoint signs the entry log of merkle.json at its size.
            #expect(merkle.entries.roots[Int(vector.treeSize)] == vector.rootHash)
            let rebuilt = try Checkpoint(
                origin: MemberID(vector.origin),
                treeSize: vector.treeSize,
                rootHash: Hash256(hex: vector.rootHash),
                time: Timestamp(millisecondsSince1970: vector.timeMs),
                signature: Support.bytes(hex: vector.signatureHex)
            )
            #expect(rebuilt == checkpoint)
        }
    }

    @Test func signedBodyIsTheDocumentedText() throws {
        let (key, _) = try Self.testKey()
        let checkpoint = try Checkpoint.sign(
            origin: Self.acme,
            treeSize: 1_000_000,
            rootHash: MerkleHash.emptyRoot,
            time: Timestamp(millisecondsSince1970: 1_795_927_230_123),
            using: key
        )
        let expected = """
            hallmark/v1 checkpoint
            origin acme-brand
            size 1000000
            root e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
            time 1795927230123

            """
        #expect(String(decoding: checkpoint.signedBody, as: UTF8.self) == expected)
    }

    @Test func signsAndVerifiesAndRefusesOtherKeys() throws {
        let (key, _) = try Self.testKey()
        let checkpoint = try Checkpoint.sign(
            origin: Self.acme,
            treeSize: 42,
            rootHash: MerkleHash.leaf([42]),
            time: .now(),
            using: key
        )
        try checkpoint.verifySignature(using: key.publicKey)
        #expect(try Checkpoint(decoding: checkpoint.encoded()) == checkpoint)
        let other = P256.Signing.PrivateKey()
        Support.expectError(.badSignature, location: "signature") {
            try checkpoint.verifySignature(using: other.publicKey)
        }
        // Another origin's key signing the same statement is not this origin's checkpoint.
        let forged = try Checkpoint.sign(
            origin: Self.acme,
            treeSize: 42,
            rootHash: MerkleHash.leaf([42]),
            time: checkpoint.time,
            using: other
        )
        Support.expectError(.badSignature) { try forged.verifySignature(using: key.publicKey) }
    }

    /// Flipping any single bit of an encoded checkpoint either makes it undecodable or makes its signature fail.
    @Test func aFlippedBitAnywhereFails() throws {
        let (_, vectors) = try Self.testKey()
        let publicKey = try P256.Signing.PublicKey(pemRepresentation: vectors.testKey.publicKeyPEM)
        let encoded = Support.bytes(hex: vectors.checkpoints[0].encodedHex)
        var undecodable = 0
        var unverifiable = 0
        for bit in 0..<(encoded.count * 8) {
            var flipped = encoded
            flipped[bit / 8] ^= 1 << UInt8(bit % 8)
            let checkpoint: Checkpoint
            do {
                checkpoint = try Checkpoint(decoding: flipped)
            } catch let error as HallmarkError {
                #expect(error.code == .malformed)
                undecodable += 1
                continue
            }
            Support.expectError(.badSignature, "bit \(bit)") { try checkpoint.verifySignature(using: publicKey) }
            unverifiable += 1
        }
        #expect(undecodable + unverifiable == encoded.count * 8)
        // Both paths are exercised: digits and hex flips decode but fail to verify.
        #expect(unverifiable > 0 && undecodable > 0)
    }

    @Test func aFlippedBitInTheSignatureFailsVerification() throws {
        let (key, _) = try Self.testKey()
        let checkpoint = try Checkpoint.sign(
            origin: Self.acme,
            treeSize: 7,
            rootHash: MerkleHash.leaf([7]),
            time: Timestamp(millisecondsSince1970: 1_796_299_205_000),
            using: key
        )
        for bit in 0..<(checkpoint.signature.count * 8) {
            var signature = checkpoint.signature
            signature[bit / 8] ^= 1 << UInt8(bit % 8)
            guard
                let altered = try? Checkpoint(
                    origin: checkpoint.origin,
                    treeSize: checkpoint.treeSize,
                    rootHash: checkpoint.rootHash,
                    time: checkpoint.time,
                    signature: signature
                )
            else { continue }  // No longer DER: refused before it could be checked.
            Support.expectError(.badSignature, "bit \(bit)") { try altered.verifySignature(using: key.publicKey) }
        }
    }

    @Test func refusesNonCanonicalBodies() throws {
        let (key, vectors) = try Self.testKey()
        let vector = vectors.checkpoints[0]
        let signature = Support.bytes(hex: vector.signatureHex)
        let body = vector.signedBody
        let variants = [
            body.replacingOccurrences(of: "size 7", with: "size 07"),
            body.replacingOccurrences(of: "size 7", with: "size +7"),
            body.replacingOccurrences(of: "size 7", with: "size  7"),
            body.replacingOccurrences(of: "size 7", with: "size 7 "),
            body.replacingOccurrences(of: "size 7", with: "size -7"),
            body.replacingOccurrences(of: "size 7", with: "size 18446744073709551616"),
            body.replacingOccurrences(of: vector.rootHash, with: vector.rootHash.uppercased()),
            body.replacingOccurrences(of: "\n", with: "\r\n"),
            String(body.dropLast()),
            body + "extra line\n",
            body.replacingOccurrences(of: "hallmark/v1", with: "hallmark/v2"),
            body.replacingOccurrences(of: "origin acme-brand", with: "origin Acme-Brand"),
            body.replacingOccurrences(of: "time \(vector.timeMs)", with: "time -\(vector.timeMs)"),
            body.replacingOccurrences(of: "time \(vector.timeMs)", with: "time 253402300800000"),
            body.replacingOccurrences(of: "root ", with: "hash "),
            "",
        ]
        for variant in variants {
            var bytes: [UInt8] = [1]
            let text = Array(variant.utf8)
            bytes += [UInt8(text.count >> 8), UInt8(text.count & 0xff)] + text
            bytes += [UInt8(signature.count)] + signature
            Support.expectError(.malformed, "\(variant.debugDescription)") { try Checkpoint(decoding: bytes) }
        }
        _ = key
    }

    @Test func refusesMalformedEncodings() throws {
        let (_, vectors) = try Self.testKey()
        let encoded = Support.bytes(hex: vectors.checkpoints[0].encodedHex)
        Support.expectError(.malformed, location: "version") { try Checkpoint(decoding: [2] + encoded.dropFirst()) }
        for length in 0..<encoded.count {
            Support.expectError(.malformed) { try Checkpoint(decoding: encoded.prefix(length)) }
        }
        Support.expectError(.malformed) { try Checkpoint(decoding: encoded + [0]) }
        Support.expectError(.malformed) {
            try Checkpoint(decoding: [UInt8](repeating: 0, count: Checkpoint.maxEncodedSize + 1))
        }
        // A body length beyond the bound.
        Support.expectError(.malformed, location: "body") { try Checkpoint(decoding: [1, 0x02, 0x01]) }
        // A signature length beyond 72, and a signature that is not DER.
        let bodyEnd = 3 + Int(encoded[1]) << 8 + Int(encoded[2])
        var long = Array(encoded[..<bodyEnd])
        long += [73] + [UInt8](repeating: 0x30, count: 73)
        Support.expectError(.malformed, location: "signature") { try Checkpoint(decoding: long) }
        var garbage = Array(encoded[..<bodyEnd])
        garbage += [8] + [UInt8](repeating: 0x30, count: 8)
        Support.expectError(.malformed, location: "signature") { try Checkpoint(decoding: garbage) }
    }

    @Test func refusesOutOfRangeTimesAndNonDERSignatures() throws {
        let (key, vectors) = try Self.testKey()
        let signature = Support.bytes(hex: vectors.checkpoints[0].signatureHex)
        Support.expectError(.invalidValue, location: "time") {
            try Checkpoint(
                origin: Self.acme,
                treeSize: 1,
                rootHash: .zero,
                time: .init(millisecondsSince1970: -1),
                signature: signature
            )
        }
        Support.expectError(.invalidValue, location: "signature") {
            try Checkpoint(
                origin: Self.acme,
                treeSize: 1,
                rootHash: .zero,
                time: .init(millisecondsSince1970: 1),
                signature: []
            )
        }
        // Raw r ‖ s is not DER.
        let raw = try key.signature(for: [1, 2, 3]).rawRepresentation
        Support.expectError(.invalidValue, location: "signature") {
            try Checkpoint(
                origin: Self.acme,
                treeSize: 1,
                rootHash: .zero,
                time: .init(millisecondsSince1970: 1),
                signature: Array(raw)
            )
        }
        Support.expectError(.invalidValue, location: "time") {
            try Checkpoint.sign(
                origin: Self.acme,
                treeSize: 0,
                rootHash: MerkleHash.emptyRoot,
                time: .init(millisecondsSince1970: .max),
                using: key
            )
        }
    }
    @Test func refusesTreeSizesOverTheLargestLog() throws {
        let (key, _) = try Self.testKey()
        let largest = try Checkpoint.sign(
            origin: Self.acme,
            treeSize: Checkpoint.maximumTreeSize,
            rootHash: .zero,
            time: .init(millisecondsSince1970: 1),
            using: key
        )
        #expect(largest.treeSize == UInt64(Int64.max))
        Support.expectError(.invalidValue, location: "size") {
            try Checkpoint.sign(
                origin: Self.acme,
                treeSize: Checkpoint.maximumTreeSize + 1,
                rootHash: .zero,
                time: .init(millisecondsSince1970: 1),
                using: key
            )
        }
        // The same bytes with the size one over: decoding refuses it before any signature check.
        let encoded = largest.encoded()
        let size = Array("size 9223372036854775807".utf8)
        let position = try #require(encoded.firstRange(of: size))
        var over = encoded
        over.replaceSubrange(position, with: Array("size 9223372036854775808".utf8))
        Support.expectError(.malformed, location: "size") { try Checkpoint(decoding: over) }
    }
}
