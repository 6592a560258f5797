extension MerkleFrontier {
    /// The sizes of the maximal complete, aligned subtrees that tile the leaves `[start, end)`, left to right.
    ///
    /// From position p = `start`, each step takes the largest 2^k with p a multiple of 2^k and p + 2^k ≤ `end`.
    /// A receiver that holds the frontier of `[0, start)` and learns these subtrees' hashes can compute the root
    /// at `end` without the leaves: how a chunk of a log is verified against a checkpoint further on.
    public static func subtreeSizes(from start: UInt64, to end: UInt64) -> [UInt64] {
        var sizes: [UInt64] = []
        var position = start
        while position < end {
            var size: UInt64 = position == 0 ? 1 << 63 : position & (~position &+ 1)
            while size > end - position { size >>= 1 }
            sizes.append(size)
            position += size
        }
        return sizes
    }

    /// Appends the hash of a complete subtree of `leafCount` leaves as if its leaves were appended one by one.
    /// - Throws: ``HallmarkError`` `invalid-value` when `leafCount` is not a power of two, or the frontier's size is
    ///   not a multiple of it (the subtree would not be aligned).
    public mutating func appendSubtree(_ hash: Hash256, leafCount: UInt64) throws {
        guard leafCount.nonzeroBitCount == 1, size % leafCount == 0, size <= .max - leafCount else {
            throw HallmarkError(
                .invalidValue,
                "a subtree of \(leafCount) leaves cannot be appended to a tree of \(size) leaves"
            )
        }
        var hash = hash
        var carry = size / leafCount
        // Binary addition of leafCount: each set bit from that level up is a subtree to merge with.
        var merged: [Hash256] = []
        while carry & 1 == 1 {
            merged.append(hashes[hashes.count - 1 - merged.count])
            carry >>= 1
        }
        for left in merged { hash = MerkleHash.node(left, hash) }
        try self = MerkleFrontier(size: size + leafCount, hashes: hashes.dropLast(merged.count) + [hash])
    }

    /// The root at `treeSize` from this frontier and the hashes of the subtrees tiling `[size, treeSize)`.
    /// - Throws: ``HallmarkError`` `proof-mismatch` when the count of hashes does not match the tiling.
    public func root(extendedTo treeSize: UInt64, withSubtrees subtrees: [Hash256]) throws -> Hash256 {
        guard treeSize >= size else {
            throw HallmarkError(.proofMismatch, "tree size \(treeSize) is below the \(size) leaves already held")
        }
        let sizes = Self.subtreeSizes(from: size, to: treeSize)
        guard sizes.count == subtrees.count else {
            throw HallmarkError(
                .proofMismatch,
                "\(subtrees.count) subtree hashes given, \(sizes.count) needed to reach size \(treeSize) from \(size)"
            )
        }
        var extended = self
        for (hash, count) in zip(subtrees, sizes) { try extended.appendSubtree(hash, leafCount: count) }
        return extended.root
    }
}

extension MerkleTree {
    /// The hashes of the maximal complete, aligned subtrees tiling `[start, end)`, as
    /// ``MerkleFrontier/subtreeSizes(from:to:)`` lays them out.
    /// - Throws: ``HallmarkError`` `invalid-value` when the range is not within the tree.
    public func subtreeHashes(from start: UInt64, to end: UInt64) throws -> [Hash256] {
        guard start <= end, end <= size else {
            throw HallmarkError(.invalidValue, "range \(start)..<\(end) is not within a tree of \(size) leaves")
        }
        var position = start
        return MerkleFrontier.subtreeSizes(from: start, to: end).map { count in
            defer { position += count }
            return subtreeHash(start: position, count: count)
        }
    }
}
