import HallmarkCore
import Testing

@Suite struct MerkleFrontierTests {
    typealias Support = LogTestSupport

    @Test func matchesThePublishedCompactRanges() throws {
        let vectors = try Support.vectors("merkle.json", as: Support.MerkleVectors.self)
        var frontier = MerkleFrontier()
        let leaves = Support.referenceLeafHashes(vectors)
        #expect(leaves.count >= 8)
        for size in 0...leaves.count {
            #expect(frontier.size == UInt64(size))
            #expect(frontier.hashes.map(\.hex) == vectors.reference.compactRanges[size], "size \(size)")
            #expect(frontier.root.hex == vectors.reference.roots[size], "size \(size)")
            if size < leaves.count { frontier.append(leaves[size]) }
        }
    }

    @Test func matchesTheEntryLogVectors() throws {
        let vectors = try Support.vectors("merkle.json", as: Support.MerkleVectors.self)
        let leaves = vectors.entries.leafHashes.map(Support.hash)
        #expect(leaves.count >= 7)
        for size in 0...leaves.count {
            let frontier = MerkleFrontier(leafHashes: leaves.prefix(size))
            let encoded = Support.bytes(hex: vectors.entries.frontiers[size])
            #expect(frontier.encoded() == encoded)
            let decoded = try MerkleFrontier(decoding: encoded)
            #expect(decoded == frontier)
            #expect(decoded.root.hex == vectors.entries.roots[size])
        }
    }

    @Test func agreesWithTheFullTreeAtEverySize() throws {
        var generator = Support.SeededGenerator(seed: 11)
        var tree = MerkleTree()
        var frontier = MerkleFrontier()
        for _ in 0..<1100 {
            #expect(tree.frontier == frontier)
            #expect(frontier.root == tree.root)
            let leaf = Support.randomHash(using: &generator)
            tree.append(leaf)
            frontier.append(leaf)
        }
    }

    @Test func continuesFromAStoredStateToVerifyANewBatch() throws {
        var generator = Support.SeededGenerator(seed: 12)
        let leaves = (0..<777).map { _ in Support.randomHash(using: &generator) }
        let stored = MerkleFrontier(leafHashes: leaves[..<500]).encoded()
        var resumed = try MerkleFrontier(decoding: stored)
        resumed.append(contentsOf: leaves[500...])
        #expect(resumed.size == 777)
        #expect(resumed.root == MerkleTree(leafHashes: leaves).root)
        #expect(resumed.encoded().count == 9 + 32 * 777.nonzeroBitCount)
    }

    @Test func refusesMalformedEncodings() throws {
        let frontier = MerkleFrontier(leafHashes: (0..<5).map { MerkleHash.leaf([UInt8($0)]) })
        let bytes = frontier.encoded()
        #expect(bytes.count == 9 + 64)
        Support.expectError(.malformed, location: "version") { try MerkleFrontier(decoding: [2] + bytes.dropFirst()) }
        Support.expectError(.malformed, location: "version") { try MerkleFrontier(decoding: []) }
        for length in 1..<bytes.count {
            Support.expectError(.malformed) { try MerkleFrontier(decoding: bytes.prefix(length)) }
        }
        Support.expectError(.malformed) { try MerkleFrontier(decoding: bytes + [0]) }
        // A size whose set bits ask for a different number of hashes.
        var wrongSize = bytes
        wrongSize[8] = 7
        Support.expectError(.malformed) { try MerkleFrontier(decoding: wrongSize) }
        Support.expectError(.invalidValue) { try MerkleFrontier(size: 5, hashes: [.zero]) }
        #expect(try MerkleFrontier(size: 5, hashes: frontier.hashes) == frontier)
        #expect(try MerkleFrontier(decoding: MerkleFrontier().encoded()) == MerkleFrontier())
    }
}
