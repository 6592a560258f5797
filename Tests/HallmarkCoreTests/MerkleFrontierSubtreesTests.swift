import HallmarkCore
import Testing

@Suite("MerkleFrontier subtrees")
struct MerkleFrontierSubtreesTests {
    static func leaves(_ count: Int) -> [Hash256] {
        (0..<count).map { MerkleHash.leaf([UInt8(truncatingIfNeeded: $0), UInt8(truncatingIfNeeded: $0 >> 8)]) }
    }

    @Test("the tiling takes the largest aligned subtree at each step")
    func tiling() {
        #expect(MerkleFrontier.subtreeSizes(from: 0, to: 7) == [4, 2, 1])
        #expect(MerkleFrontier.subtreeSizes(from: 3, to: 8) == [1, 4])
        #expect(MerkleFrontier.subtreeSizes(from: 5, to: 13) == [1, 2, 4, 1])
        #expect(MerkleFrontier.subtreeSizes(from: 6, to: 6) == [])
    }

    @Test("frontier at start + chunk leaves + right subtrees gives the root at any later size")
    func rootFromChunkAndSubtrees() throws {
        let all = Self.leaves(300)
        let tree = MerkleTree(leafHashes: all)
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<400 {
            let end = UInt64.random(in: 0...300, using: &generator)
            let start = UInt64.random(in: 0...end, using: &generator)
            let chunkEnd = UInt64.random(in: start...end, using: &generator)
            var frontier = MerkleFrontier(leafHashes: all[0..<Int(start)])
            frontier.append(contentsOf: all[Int(start)..<Int(chunkEnd)])
            let subtrees = try tree.subtreeHashes(from: chunkEnd, to: end)
            #expect(try frontier.root(extendedTo: end, withSubtrees: subtrees) == tree.root(atSize: end))
            if var tampered = subtrees.first {
                tampered.w3 ^= 1
                let forged = [tampered] + subtrees.dropFirst()
                #expect(try frontier.root(extendedTo: end, withSubtrees: forged) != tree.root(atSize: end))
            }
        }
    }

    @Test("misaligned subtrees and wrong counts are refused")
    func refusals() throws {
        var frontier = MerkleFrontier(leafHashes: Self.leaves(3))
        LogTestSupport.expectError(.invalidValue) { try frontier.appendSubtree(.zero, leafCount: 2) }
        LogTestSupport.expectError(.invalidValue) { try frontier.appendSubtree(.zero, leafCount: 3) }
        try frontier.appendSubtree(.zero, leafCount: 1)
        #expect(frontier.size == 4)
        let short = LogTestSupport.expectError(.proofMismatch) { try frontier.root(extendedTo: 8, withSubtrees: []) }
        #expect(short?.message.contains("0 subtree hashes given, 1 needed") == true)
        let below = LogTestSupport.expectError(.proofMismatch) { try frontier.root(extendedTo: 2, withSubtrees: []) }
        #expect(below?.message.contains("below the 4 leaves") == true)
    }
}
