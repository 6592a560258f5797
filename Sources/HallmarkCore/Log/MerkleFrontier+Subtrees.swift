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

extension MerkleTree {
    /// The proof that the leaf at `index` is in a tree of size `treeSize` of which only the first `heldSize` leaves
    /// are taken from this tree: `rightSubtrees` are the hashes of the subtrees tiling `[heldSize, treeSize)`, as
    /// ``MerkleFrontier/subtreeSizes(from:to:)`` lays them out (what a chunk that stops short of its checkpoint
    /// carries). So a log held only in part is provable against the checkpoint it was verified against.
    /// - Throws: ``HallmarkError`` `invalid-value` when the leaf is not among those held or the sizes are out of
    ///   range, `proof-mismatch` when the count of subtree hashes does not match the tiling.
    public func inclusionProof(
        forIndex index: UInt64,
        treeSize: UInt64,
        heldSize: UInt64,
        rightSubtrees: [Hash256]
    ) throws -> InclusionProof {
        guard index < heldSize else {
            throw HallmarkError(.invalidValue, "leaf \(index) is not among the \(heldSize) leaves held")
        }
        let hash = try rangeHash(treeSize: treeSize, heldSize: heldSize, rightSubtrees: rightSubtrees)
        return try Self.inclusionProof(forIndex: index, treeSize: treeSize, hash: hash)
    }

    /// The root of a tree of size `treeSize` whose first `heldSize` leaves are this tree's and whose other leaves
    /// are given as `rightSubtrees`, laid out as in ``inclusionProof(forIndex:treeSize:heldSize:rightSubtrees:)``.
    /// - Throws: ``HallmarkError`` as that method.
    public func root(treeSize: UInt64, heldSize: UInt64, rightSubtrees: [Hash256]) throws -> Hash256 {
        try rangeHash(treeSize: treeSize, heldSize: heldSize, rightSubtrees: rightSubtrees)(0, treeSize)
    }

    /// MTH of the ranges a proof or root of such a tree needs.
    private func rangeHash(
        treeSize: UInt64,
        heldSize: UInt64,
        rightSubtrees: [Hash256]
    ) throws -> (_ start: UInt64, _ count: UInt64) throws -> Hash256 {
        guard heldSize <= size, heldSize <= treeSize else {
            throw HallmarkError(
                .invalidValue,
                "\(heldSize) leaves held toward size \(treeSize) do not fit a tree of \(size) leaves"
            )
        }
        let sizes = MerkleFrontier.subtreeSizes(from: heldSize, to: treeSize)
        guard sizes.count == rightSubtrees.count else {
            throw HallmarkError(
                .proofMismatch,
                "\(rightSubtrees.count) subtree hashes given, \(sizes.count) needed to reach size \(treeSize) "
                    + "from \(heldSize)"
            )
        }
        var tiles: [UInt64: (count: UInt64, hash: Hash256)] = [:]
        var position = heldSize
        for (count, hash) in zip(sizes, rightSubtrees) {
            tiles[position] = (count, hash)
            position += count
        }
        // Every range asked for is held, one tile, or splits (as MTH does) into such ranges: a complete subtree
        // beyond the held leaves that contains a tile is that tile, since both are aligned.
        func hash(_ start: UInt64, _ count: UInt64) throws -> Hash256 {
            if start + count <= heldSize { return subtreeHash(start: start, count: count) }
            if let tile = tiles[start], tile.count == count { return tile.hash }
            guard count > 1 else {
                throw HallmarkError(.proofMismatch, "leaf \(start) is in no subtree given beyond the held leaves")
            }
            let split = Self.largestPowerOfTwo(below: count)
            return MerkleHash.node(try hash(start, split), try hash(start + split, count - split))
        }
        return hash
    }
}
