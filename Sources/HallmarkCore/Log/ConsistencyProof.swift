/// A proof that a Merkle tree of an old size is a prefix of the tree of a new size, so that nothing logged
/// before was changed or removed (RFC 9162 §2.1.4).
public struct ConsistencyProof: Hashable, Sendable {
    /// The earlier tree size.
    public var oldSize: UInt64
    /// The later tree size.
    public var newSize: UInt64
    /// The proof's hashes, in RFC 9162 order.
    public var path: [Hash256]

    /// Creates a proof from its parts, as received; nothing is checked until ``verify(oldRoot:newRoot:)``.
    /// - Parameters:
    ///   - oldSize: The earlier size.
    ///   - newSize: The later size.
    ///   - path: The proof's hashes.
    public init(oldSize: UInt64, newSize: UInt64, path: [Hash256]) {
        self.oldSize = oldSize
        self.newSize = newSize
        self.path = path
    }

    /// Checks that the tree with root `oldRoot` at ``oldSize`` is a prefix of the tree with root `newRoot`
    /// at ``newSize``, with the algorithm of RFC 9162 §2.1.4.2.
    ///
    /// For equal sizes the proof must be empty and the roots equal; from size 0 the proof must be empty and
    /// `oldRoot` must be the empty tree's root.
    /// - Parameters:
    ///   - oldRoot: The root at ``oldSize``, such as from an earlier verified checkpoint.
    ///   - newRoot: The root at ``newSize``.
    /// - Throws: ``HallmarkError`` `proof-mismatch` saying why the proof fails.
    public func verify(oldRoot: Hash256, newRoot: Hash256) throws {
        let sizes = "from \(oldSize) to \(newSize) leaves"
        guard oldSize <= newSize else {
            throw HallmarkError(.proofMismatch, "consistency proof \(sizes): the old size is larger than the new")
        }
        if oldSize == newSize || oldSize == 0 {
            guard path.isEmpty else {
                throw HallmarkError(
                    .proofMismatch,
                    "consistency proof \(sizes) must be empty, has \(path.count) hashes"
                )
            }
            if oldSize == 0 {
                guard oldRoot == MerkleHash.emptyRoot else {
                    throw HallmarkError(.proofMismatch, "the root of an empty tree must be \(MerkleHash.emptyRoot.hex)")
                }
            } else {
                guard oldRoot == newRoot else {
                    throw HallmarkError(.proofMismatch, "two trees of \(oldSize) leaves have different roots")
                }
            }
            return
        }
        guard !path.isEmpty else {
            throw HallmarkError(.proofMismatch, "consistency proof \(sizes) is empty")
        }
        var hashes = path[...]
        // When the old tree is a complete subtree of the new one, its root is the proof's implicit first hash.
        let first: Hash256 = oldSize & (oldSize - 1) == 0 ? oldRoot : hashes.removeFirst()
        var fn = oldSize - 1
        var sn = newSize - 1
        while fn & 1 == 1 {
            fn >>= 1
            sn >>= 1
        }
        var oldHash = first
        var newHash = first
        for hash in hashes {
            guard sn != 0 else {
                throw HallmarkError(.proofMismatch, "consistency proof \(sizes) has more hashes than it needs")
            }
            if fn & 1 == 1 || fn == sn {
                oldHash = MerkleHash.node(hash, oldHash)
                newHash = MerkleHash.node(hash, newHash)
                while fn & 1 == 0 && fn != 0 {
                    fn >>= 1
                    sn >>= 1
                }
            } else {
                newHash = MerkleHash.node(newHash, hash)
            }
            fn >>= 1
            sn >>= 1
        }
        guard sn == 0 else {
            throw HallmarkError(.proofMismatch, "consistency proof \(sizes) has fewer hashes than it needs")
        }
        guard oldHash == oldRoot else {
            throw HallmarkError(
                .proofMismatch,
                "consistency proof \(sizes) leads to old root \(oldHash.hex), not \(oldRoot.hex)"
            )
        }
        guard newHash == newRoot else {
            throw HallmarkError(
                .proofMismatch,
                "consistency proof \(sizes) leads to new root \(newHash.hex), not \(newRoot.hex)"
            )
        }
    }
}
