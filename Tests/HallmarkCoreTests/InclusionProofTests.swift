import HallmarkCore
import Testing

@Suite struct InclusionProofTests {
    typealias Support = LogTestSupport

    static let someHash = Support.hash("abacaba000000000000000000000000000000000000000000060061e00123456")

    @Test func publishedProofsVerify() throws {
        let vectors = try Support.vectors("merkle.json", as: Support.MerkleVectors.self)
        let leaves = Support.referenceLeafHashes(vectors)
        #expect(vectors.reference.inclusionProofs.count >= 5)
        for vector in vectors.reference.inclusionProofs {
            let root = Support.hash(vectors.reference.roots[Int(vector.treeSize)])
            let leaf = leaves[Int(vector.leafIndex)]
            try vector.proof.verify(leafHash: leaf, root: root)
            #expect(try vector.proof.rootHash(forLeafHash: leaf) == root)
        }
    }

    @Test func entryLogProofsVerify() throws {
        let vectors = try Support.vectors("merkle.json", as: Support.MerkleVectors.self)
        let leaves = vectors.entries.leafHashes.map(Support.hash)
        #expect(vectors.entries.inclusionProofs.count >= 28)
        for vector in vectors.entries.inclusionProofs {
            try vector.proof.verify(
                leafHash: leaves[Int(vector.leafIndex)],
                root: Support.hash(vectors.entries.roots[Int(vector.treeSize)])
            )
        }
    }

    /// Every way of tampering with a good proof (after transparency-dev/merkle's corruption probes).
    static func tampered(_ proof: InclusionProof) -> [(String, InclusionProof)] {
        var probes: [(String, InclusionProof)] = []
        func with(_ name: String, _ change: (inout InclusionProof) -> Void) {
            var copy = proof
            change(&copy)
            probes.append((name, copy))
        }
        if proof.leafIndex > 0 { with("index - 1") { $0.leafIndex -= 1 } }
        with("index + 1") { $0.leafIndex += 1 }
        with("index ^ 2") { $0.leafIndex ^= 2 }
        with("size * 2") { $0.treeSize *= 2 }
        with("size / 2") { $0.treeSize /= 2 }
        with("extra hash at the end") { $0.path.append(someHash) }
        with("extra hash at the front") { $0.path.insert(someHash, at: 0) }
        for i in proof.path.indices {
            with("bit flipped in path[\(i)]") { $0.path[i].w0 ^= 1 << 59 }
            with("bit flipped at the end of path[\(i)]") { $0.path[i].w3 ^= 1 }
        }
        if !proof.path.isEmpty { with("truncated") { $0.path.removeLast() } }
        if proof.path.count > 1 { with("inserted hash") { $0.path.insert(someHash, at: 1) } }
        return probes
    }

    @Test func tamperedProofsFail() throws {
        let vectors = try Support.vectors("merkle.json", as: Support.MerkleVectors.self)
        let leaves = Support.referenceLeafHashes(vectors)
        #expect(vectors.reference.inclusionProofs.count >= 5)
        for vector in vectors.reference.inclusionProofs {
            let root = Support.hash(vectors.reference.roots[Int(vector.treeSize)])
            let leaf = leaves[Int(vector.leafIndex)]
            for (name, probe) in Self.tampered(vector.proof) {
                Support.expectError(.proofMismatch, "\(name) of \(vector.leafIndex)/\(vector.treeSize)") {
                    try probe.verify(leafHash: leaf, root: root)
                }
            }
            Support.expectError(.proofMismatch) { try vector.proof.verify(leafHash: Self.someHash, root: root) }
            Support.expectError(.proofMismatch) { try vector.proof.verify(leafHash: leaf, root: MerkleHash.emptyRoot) }
            Support.expectError(.proofMismatch) { try vector.proof.verify(leafHash: leaf, root: Self.someHash) }
        }
    }

    @Test func tamperedProofsFromRandomTreesFail() throws {
        var generator = Support.SeededGenerator(seed: 21)
        let leaves = (0..<77).map { _ in Support.randomHash(using: &generator) }
        let tree = MerkleTree(leafHashes: leaves)
        for treeSize in [1, 2, 7, 16, 33, 77] {
            let root = try tree.root(atSize: UInt64(treeSize))
            for index in 0..<treeSize {
                let proof = try tree.inclusionProof(forIndex: UInt64(index), treeSize: UInt64(treeSize))
                for (name, probe) in Self.tampered(proof) {
                    Support.expectError(.proofMismatch, "\(name) of \(index)/\(treeSize)") {
                        try probe.verify(leafHash: leaves[index], root: root)
                    }
                }
            }
        }
    }

    @Test func impossibleIndexesAndSizesFail() {
        for (index, size): (UInt64, UInt64) in [(0, 0), (1, 0), (2, 1), (5, 5), (.max, .max)] {
            let proof = InclusionProof(leafIndex: index, treeSize: size, path: [])
            let error = Support.expectError(.proofMismatch) {
                try proof.verify(leafHash: Self.someHash, root: Self.someHash)
            }
            #expect(error?.message.contains("not below the tree size") == true)
        }
        // A single-leaf tree's root is its leaf hash, with an empty path.
        let single = InclusionProof(leafIndex: 0, treeSize: 1, path: [])
        #expect(throws: Never.self) { try single.verify(leafHash: Self.someHash, root: Self.someHash) }
        Support.expectError(.proofMismatch) { try single.verify(leafHash: Self.someHash, root: MerkleHash.emptyRoot) }
    }
}
