/// A proof that a leaf is in a Merkle tree of a given size: the hashes along the leaf's path to the root
/// (RFC 9162 §2.1.3).
public struct InclusionProof: Hashable, Sendable {
    /// The leaf's position, from 0.
    public var leafIndex: UInt64
    /// The size of the tree the proof leads to.
    public var treeSize: UInt64
    /// The sibling hashes from the leaf up to the root.
    public var path: [Hash256]

    /// Creates a proof from its parts, as received; nothing is checked until ``verify(leafHash:root:)``.
    /// - Parameters:
    ///   - leafIndex: The leaf's position.
    ///   - treeSize: The tree size.
    ///   - path: The sibling hashes, leaf end first.
    public init(leafIndex: UInt64, treeSize: UInt64, path: [Hash256]) {
        self.leafIndex = leafIndex
        self.treeSize = treeSize
        self.path = path
    }

    /// The root that the proof leads to from a leaf hash, computed as RFC 9162 §2.1.3.2 verifies.
    /// - Parameter leafHash: The leaf's hash.
    /// - Throws: ``HallmarkError`` `proof-mismatch` when the index is outside the tree or the path has the
    ///   wrong length for the index and size.
    public func rootHash(forLeafHash leafHash: Hash256) throws -> Hash256 {
        guard leafIndex < treeSize else {
            throw HallmarkError(.proofMismatch, "leaf index \(leafIndex) is not below the tree size \(treeSize)")
        }
        var fn = leafIndex
        var sn = treeSize - 1
        var hash = leafHash
        for sibling in path {
            guard sn != 0 else {
                throw HallmarkError(
                    .proofMismatch,
                    "inclusion path has \(path.count) hashes, more than leaf \(leafIndex) of a tree of \(treeSize) needs"
                )
            }
            if fn & 1 == 1 || fn == sn {
                hash = MerkleHash.node(sibling, hash)
                // Skip the levels where the node is the last in its row and has no sibling.
                while fn & 1 == 0 && fn != 0 {
                    fn >>= 1
                    sn >>= 1
                }
            } else {
                hash = MerkleHash.node(hash, sibling)
            }
            fn >>= 1
            sn >>= 1
        }
        guard sn == 0 else {
            throw HallmarkError(
                .proofMismatch,
                "inclusion path has \(path.count) hashes, fewer than leaf \(leafIndex) of a tree of \(treeSize) needs"
            )
        }
        return hash
    }

    /// Checks that the leaf is in the tree with the given root.
    /// - Parameters:
    ///   - leafHash: The leaf's hash, such as ``Entry/leafHash``.
    ///   - root: The tree's root hash, such as a verified ``Checkpoint/rootHash``.
    /// - Throws: ``HallmarkError`` `proof-mismatch` saying why the proof fails.
    public func verify(leafHash: Hash256, root: Hash256) throws {
        let computed = try rootHash(forLeafHash: leafHash)
        guard computed == root else {
            throw HallmarkError(
                .proofMismatch,
                "inclusion proof for leaf \(leafIndex) of \(treeSize) leads to root \(computed.hex), not \(root.hex)"
            )
        }
    }
}
