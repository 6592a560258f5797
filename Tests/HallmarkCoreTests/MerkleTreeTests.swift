import HallmarkCore
import Testing

@Suite struct MerkleTreeTests {
    typealias Support = LogTestSupport

    @Test func hashesAsRFC9162Defines() {
        #expect(MerkleHash.emptyRoot.hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        // Published leaf hashes of the reference tree: leaf("") and leaf(0x00).
        #expect(MerkleHash.leaf([UInt8]()).hex == "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d")
        #expect(MerkleHash.leaf([0x00]).hex == "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7")
        #expect(
            MerkleHash.node(
                Support.hash("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
                Support.hash("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7")
            ).hex == "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"
        )
        // Non-contiguous input hashes the same.
        #expect(MerkleHash.leaf([0x20, 0x21].lazy.map { $0 }) == MerkleHash.leaf([0x20, 0x21]))
    }

    @Test func matchesThePublishedReferenceTree() throws {
        let vectors = try Support.vectors("merkle.json", as: Support.MerkleVectors.self)
        let leaves = Support.referenceLeafHashes(vectors)
        let tree = MerkleTree(leafHashes: leaves)
        #expect(tree.size == 8)
        #expect(vectors.reference.roots.count == 9)
        #expect(vectors.reference.nodeHashes.count >= 4)
        #expect(vectors.reference.inclusionProofs.count >= 5)
        #expect(vectors.reference.consistencyProofs.count >= 5)
        for (size, root) in vectors.reference.roots.enumerated() {
            #expect(try tree.root(atSize: UInt64(size)).hex == root, "size \(size)")
            #expect(MerkleTree(leafHashes: leaves.prefix(size)).root.hex == root, "size \(size)")
        }
        for (level, row) in vectors.reference.nodeHashes.enumerated() {
            for (position, hash) in row.enumerated() {
                let tree = MerkleTree(leafHashes: leaves[(position << level)..<((position + 1) << level)])
                #expect(tree.root.hex == hash, "level \(level) node \(position)")
            }
        }
        for vector in vectors.reference.inclusionProofs {
            #expect(try tree.inclusionProof(forIndex: vector.leafIndex, treeSize: vector.treeSize) == vector.proof)
        }
        for vector in vectors.reference.consistencyProofs {
            #expect(try tree.consistencyProof(from: vector.oldSize, to: vector.newSize) == vector.proof)
        }
    }

    @Test func matchesTheEntryLogVectors() throws {
        let vectors = try Support.vectors("merkle.json", as: Support.MerkleVectors.self)
        let entries = try Support.vectors("entries.json", as: Support.EntryVectors.self)
        let leaves = vectors.entries.leafHashes.map(Support.hash)
        #expect(leaves.count >= 7)
        #expect(leaves.map(\.hex) == entries.valid.map(\.leafHash))
        #expect(vectors.entries.roots.count == leaves.count + 1)
        #expect(vectors.entries.consistencyProofs.count >= 36)
        let tree = MerkleTree(leafHashes: leaves)
        for (size, root) in vectors.entries.roots.enumerated() {
            #expect(try tree.root(atSize: UInt64(size)).hex == root)
        }
        #expect(vectors.entries.inclusionProofs.count == leaves.count * (leaves.count + 1) / 2)
        for vector in vectors.entries.inclusionProofs {
            #expect(try tree.inclusionProof(forIndex: vector.leafIndex, treeSize: vector.treeSize) == vector.proof)
        }
        for vector in vectors.entries.consistencyProofs {
            #expect(try tree.consistencyProof(from: vector.oldSize, to: vector.newSize) == vector.proof)
        }
    }

    @Test func rootsAtEverySizeMatchTheRecursiveDefinition() throws {
        var generator = Support.SeededGenerator(seed: 1)
        var sizes = Array(0...70)
        sizes += (0..<8).map { _ in Int.random(in: 71...3000, using: &generator) }
        sizes += [127, 128, 129, 255, 256, 257, 1023, 1024, 1025]
        for size in sizes {
            let leaves = (0..<size).map { _ in Support.randomHash(using: &generator) }
            let tree = MerkleTree(leafHashes: leaves)
            #expect(tree.size == UInt64(size))
            #expect(tree.root == Support.referenceRoot(leaves[...]))
            // Every earlier size for small trees; a sample for large ones (the oracle is O(n) per root).
            let checked =
                size <= 70 ? Array(0...size) : (0..<20).map { _ in Int.random(in: 0...size, using: &generator) }
            for m in checked {
                #expect(try tree.root(atSize: UInt64(m)) == Support.referenceRoot(leaves[..<m]), "\(m) of \(size)")
            }
        }
    }

    @Test func proofsFromRandomTreesVerify() throws {
        var generator = Support.SeededGenerator(seed: 2)
        for size in [1, 2, 3, 5, 8, 13, 31, 32, 33, 64, 100] {
            let leaves = (0..<size).map { _ in Support.randomHash(using: &generator) }
            let tree = MerkleTree(leafHashes: leaves)
            for treeSize in 1...size {
                let root = try tree.root(atSize: UInt64(treeSize))
                for index in 0..<treeSize {
                    let proof = try tree.inclusionProof(forIndex: UInt64(index), treeSize: UInt64(treeSize))
                    try proof.verify(leafHash: leaves[index], root: root)
                }
                for oldSize in 0...treeSize {
                    let proof = try tree.consistencyProof(from: UInt64(oldSize), to: UInt64(treeSize))
                    try proof.verify(oldRoot: try tree.root(atSize: UInt64(oldSize)), newRoot: root)
                }
            }
        }
    }

    @Test func proofsStayShortInALargeTree() throws {
        var generator = Support.SeededGenerator(seed: 3)
        let leaves = (0..<100_003).map { _ in Support.randomHash(using: &generator) }
        let tree = MerkleTree(leafHashes: leaves)
        for _ in 0..<50 {
            let index = Int.random(in: 0..<leaves.count, using: &generator)
            let proof = try tree.inclusionProof(forIndex: UInt64(index), treeSize: tree.size)
            #expect(proof.path.count <= 17)
            try proof.verify(leafHash: leaves[index], root: tree.root)
            let oldSize = UInt64.random(in: 1..<tree.size, using: &generator)
            let consistency = try tree.consistencyProof(from: oldSize, to: tree.size)
            #expect(consistency.path.count <= 34)
            try consistency.verify(oldRoot: try tree.root(atSize: oldSize), newRoot: tree.root)
        }
    }

    @Test func appendingOneByOneEqualsBuildingAtOnce() throws {
        var generator = Support.SeededGenerator(seed: 4)
        let leaves = (0..<300).map { _ in Support.randomHash(using: &generator) }
        var tree = MerkleTree()
        #expect(tree.root == MerkleHash.emptyRoot)
        for (i, leaf) in leaves.enumerated() {
            tree.append(leaf)
            #expect(try tree.leafHash(at: UInt64(i)) == leaf)
        }
        let whole = MerkleTree(leafHashes: leaves)
        #expect(tree.root == whole.root)
        var split = MerkleTree(leafHashes: leaves[..<123])
        split.append(contentsOf: leaves[123...])
        #expect(split.root == whole.root)
    }

    @Test func refusesSizesAndIndexesOutsideTheTree() {
        let tree = MerkleTree(leafHashes: [MerkleHash.leaf([1]), MerkleHash.leaf([2]), MerkleHash.leaf([3])])
        Support.expectError(.invalidValue) { try tree.root(atSize: 4) }
        Support.expectError(.invalidValue) { try tree.leafHash(at: 3) }
        Support.expectError(.invalidValue) { try tree.inclusionProof(forIndex: 3, treeSize: 3) }
        Support.expectError(.invalidValue) { try tree.inclusionProof(forIndex: 0, treeSize: 4) }
        Support.expectError(.invalidValue) { try tree.inclusionProof(forIndex: 0, treeSize: 0) }
        Support.expectError(.invalidValue) { try tree.consistencyProof(from: 2, to: 1) }
        Support.expectError(.invalidValue) { try tree.consistencyProof(from: 1, to: 4) }
    }
}
