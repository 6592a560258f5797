import HallmarkCore
import Testing

@Suite struct ConsistencyProofTests {
    typealias Support = LogTestSupport

    static let someHash = Support.hash("abacaba000000000000000000000000000000000000000000060061e00123456")

    @Test func publishedProofsVerify() throws {
        let vectors = try Support.vectors("merkle.json", as: Support.MerkleVectors.self)
        #expect(vectors.reference.consistencyProofs.count >= 5)
        for vector in vectors.reference.consistencyProofs {
            try vector.proof.verify(
                oldRoot: Support.hash(vectors.reference.roots[Int(vector.oldSize)]),
                newRoot: Support.hash(vectors.reference.roots[Int(vector.newSize)])
            )
        }
    }

    @Test func entryLogProofsVerify() throws {
        let vectors = try Support.vectors("merkle.json", as: Support.MerkleVectors.self)
        #expect(vectors.entries.consistencyProofs.count == 36)
        for vector in vectors.entries.consistencyProofs {
            try vector.proof.verify(
                oldRoot: Support.hash(vectors.entries.roots[Int(vector.oldSize)]),
                newRoot: Support.hash(vectors.entries.roots[Int(vector.newSize)])
            )
        }
    }

    /// Every way of tampering with a good non-empty proof (after transparency-dev/merkle's corruption probes),
    /// each with the roots to check it against.
    static func tampered(
        _ proof: ConsistencyProof,
        oldRoot: Hash256,
        newRoot: Hash256
    ) -> [(String, ConsistencyProof, Hash256, Hash256)] {
        var probes: [(String, ConsistencyProof, Hash256, Hash256)] = []
        func with(
            _ name: String,
            old: Hash256 = oldRoot,
            new: Hash256 = newRoot,
            _ change: (inout ConsistencyProof) -> Void = { _ in }
        ) {
            var copy = proof
            change(&copy)
            probes.append((name, copy, old, new))
        }
        with("old size - 1") { $0.oldSize -= 1 }
        with("old size + 1") { $0.oldSize += 1 }
        with("old size ^ 2") { $0.oldSize ^= 2 }
        with("new size * 2") { $0.newSize *= 2 }
        with("new size / 2") { $0.newSize /= 2 }
        with("wrong old root", old: someHash)
        with("wrong new root", new: someHash)
        with("swapped roots", old: newRoot, new: oldRoot)
        with("empty path") { $0.path = [] }
        with("trailing old root") { $0.path.append(oldRoot) }
        with("trailing new root") { $0.path.append(newRoot) }
        with("preceding old root") { $0.path.insert(oldRoot, at: 0) }
        with("preceding new root") { $0.path.insert(newRoot, at: 0) }
        with("preceding path[0]") { $0.path.insert($0.path[0], at: 0) }
        with("truncated") { $0.path.removeLast() }
        for i in proof.path.indices {
            with("bit flipped in path[\(i)]") { $0.path[i].w0 ^= 1 << 60 }
            with("bit flipped at the end of path[\(i)]") { $0.path[i].w3 ^= 1 }
        }
        return probes
    }

    @Test func tamperedProofsFail() throws {
        let vectors = try Support.vectors("merkle.json", as: Support.MerkleVectors.self)
        #expect(vectors.reference.consistencyProofs.filter { !$0.path.isEmpty }.count >= 4)
        for vector in vectors.reference.consistencyProofs where !vector.path.isEmpty {
            let oldRoot = Support.hash(vectors.reference.roots[Int(vector.oldSize)])
            let newRoot = Support.hash(vectors.reference.roots[Int(vector.newSize)])
            for (name, probe, old, new) in Self.tampered(vector.proof, oldRoot: oldRoot, newRoot: newRoot) {
                Support.expectError(.proofMismatch, "\(name) of \(vector.oldSize)→\(vector.newSize)") {
                    try probe.verify(oldRoot: old, newRoot: new)
                }
            }
        }
    }

    @Test func tamperedProofsFromRandomTreesFail() throws {
        var generator = Support.SeededGenerator(seed: 31)
        let tree = MerkleTree(leafHashes: (0..<70).map { _ in Support.randomHash(using: &generator) })
        for newSize in [2, 3, 8, 9, 31, 64, 70] {
            for oldSize in 1..<newSize {
                let proof = try tree.consistencyProof(from: UInt64(oldSize), to: UInt64(newSize))
                let oldRoot = try tree.root(atSize: UInt64(oldSize))
                let newRoot = try tree.root(atSize: UInt64(newSize))
                for (name, probe, old, new) in Self.tampered(proof, oldRoot: oldRoot, newRoot: newRoot) {
                    Support.expectError(.proofMismatch, "\(name) of \(oldSize)→\(newSize)") {
                        try probe.verify(oldRoot: old, newRoot: new)
                    }
                }
            }
        }
    }

    @Test func handlesTheTrivialSizes() throws {
        let root = Self.someHash
        // Equal sizes: empty proof and equal roots.
        try ConsistencyProof(oldSize: 5, newSize: 5, path: []).verify(oldRoot: root, newRoot: root)
        Support.expectError(.proofMismatch) {
            try ConsistencyProof(oldSize: 5, newSize: 5, path: []).verify(oldRoot: root, newRoot: MerkleHash.emptyRoot)
        }
        Support.expectError(.proofMismatch) {
            try ConsistencyProof(oldSize: 5, newSize: 5, path: [root]).verify(oldRoot: root, newRoot: root)
        }
        // From the empty tree: empty proof, and the old root must be the empty tree's.
        try ConsistencyProof(oldSize: 0, newSize: 9, path: []).verify(oldRoot: MerkleHash.emptyRoot, newRoot: root)
        try ConsistencyProof(oldSize: 0, newSize: 0, path: []).verify(
            oldRoot: MerkleHash.emptyRoot,
            newRoot: MerkleHash.emptyRoot
        )
        Support.expectError(.proofMismatch) {
            try ConsistencyProof(oldSize: 0, newSize: 9, path: []).verify(oldRoot: root, newRoot: root)
        }
        Support.expectError(.proofMismatch) {
            try ConsistencyProof(oldSize: 0, newSize: 9, path: [MerkleHash.emptyRoot])
                .verify(oldRoot: MerkleHash.emptyRoot, newRoot: root)
        }
        // Shrinking is never consistent.
        Support.expectError(.proofMismatch) {
            try ConsistencyProof(oldSize: 2, newSize: 1, path: []).verify(oldRoot: root, newRoot: root)
        }
        // A growing tree needs a proof.
        Support.expectError(.proofMismatch) {
            try ConsistencyProof(oldSize: 1, newSize: 2, path: []).verify(oldRoot: root, newRoot: root)
        }
    }
}
