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

    @Test("proofs and roots from the held leaves and the subtrees to their right equal the whole tree's")
    func proofsFromHeldPrefix() throws {
        let all = Self.leaves(70)
        let whole = MerkleTree(leafHashes: all)
        for treeSize in UInt64(1)...70 {
            for heldSize in UInt64(0)...treeSize {
                let held = MerkleTree(leafHashes: all[0..<Int(heldSize)])
                let subtrees = try whole.subtreeHashes(from: heldSize, to: treeSize)
                #expect(
                    try held.root(treeSize: treeSize, heldSize: heldSize, rightSubtrees: subtrees)
                        == whole.root(atSize: treeSize)
                )
                for index in 0..<heldSize {
                    let proof = try held.inclusionProof(
                        forIndex: index,
                        treeSize: treeSize,
                        heldSize: heldSize,
                        rightSubtrees: subtrees
                    )
                    #expect(proof == (try whole.inclusionProof(forIndex: index, treeSize: treeSize)))
                }
            }
        }
        // A tree holding more leaves than were held proves from the held ones alone.
        let proof = try whole.inclusionProof(
            forIndex: 3,
            treeSize: 50,
            heldSize: 10,
            rightSubtrees: try whole.subtreeHashes(from: 10, to: 50)
        )
        #expect(proof == (try whole.inclusionProof(forIndex: 3, treeSize: 50)))
    }

    @Test("a proof from a held prefix refuses a leaf not held, a wrong count of subtrees, sizes that do not fit")
    func proofsFromHeldPrefixRefusals() throws {
        let held = MerkleTree(leafHashes: Self.leaves(10))
        let subtrees = try MerkleTree(leafHashes: Self.leaves(20)).subtreeHashes(from: 10, to: 20)
        let notHeld = try #require(throws: HallmarkError.self) {
            try held.inclusionProof(forIndex: 10, treeSize: 20, heldSize: 10, rightSubtrees: subtrees)
        }
        #expect(notHeld.message.contains("not among the 10 leaves held"), "\(notHeld)")
        let short = try #require(throws: HallmarkError.self) {
            try held.inclusionProof(forIndex: 1, treeSize: 20, heldSize: 10, rightSubtrees: Array(subtrees.dropLast()))
        }
        #expect(short.code == .proofMismatch)
        let beyond = try #require(throws: HallmarkError.self) {
            try held.root(treeSize: 20, heldSize: 11, rightSubtrees: subtrees)
        }
        #expect(beyond.message.contains("do not fit a tree of 10 leaves"), "\(beyond)")
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
