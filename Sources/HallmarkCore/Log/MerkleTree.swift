/// An append-only Merkle tree over leaf hashes, hashed as RFC 9162 §2.1 defines, that keeps the hash of every
/// complete aligned subtree so that roots of any earlier size and proofs take O(log n) hash operations.
///
/// Level 0 holds the leaf hashes; level `k` holds the hash of each complete subtree of `2^k` leaves that starts
/// at a multiple of `2^k`. The tree holds about two hashes (64 bytes) per leaf.
public struct MerkleTree: Sendable {
    private var levels: [[Hash256]] = [[]]

    /// An empty tree.
    public init() {}

    /// A tree holding the given leaf hashes, in order.
    /// - Parameter leafHashes: Leaf hashes, such as ``Entry/leafHash`` of each entry of a log.
    public init(leafHashes: some Sequence<Hash256>) {
        append(contentsOf: leafHashes)
    }

    /// The number of leaves.
    public var size: UInt64 { UInt64(levels[0].count) }

    /// Appends a leaf hash.
    /// - Parameter leafHash: The leaf's hash, ``MerkleHash/leaf(_:)`` of its data.
    public mutating func append(_ leafHash: Hash256) {
        levels[0].append(leafHash)
        var level = 0
        // Each time a level gains an even count, its last two hashes complete a subtree one level up.
        while levels[level].count.isMultiple(of: 2) {
            let count = levels[level].count
            let parent = MerkleHash.node(levels[level][count - 2], levels[level][count - 1])
            if level + 1 == levels.count { levels.append([]) }
            levels[level + 1].append(parent)
            level += 1
        }
    }

    /// Appends leaf hashes in order.
    /// - Parameter leafHashes: The hashes to append.
    public mutating func append(contentsOf leafHashes: some Sequence<Hash256>) {
        for hash in leafHashes { append(hash) }
    }

    /// The leaf hash at a position.
    /// - Parameter index: The leaf's position, from 0.
    /// - Throws: ``HallmarkError`` `invalid-value` when the tree has no such leaf.
    public func leafHash(at index: UInt64) throws -> Hash256 {
        guard index < size else {
            throw HallmarkError(.invalidValue, "leaf \(index) does not exist in a tree of \(size) leaves")
        }
        return levels[0][Int(index)]
    }

    /// The root hash of the whole tree; ``MerkleHash/emptyRoot`` when it is empty.
    public var root: Hash256 {
        subtreeHash(start: 0, count: size)
    }

    /// The root hash the tree had when it held its first `treeSize` leaves.
    /// - Parameter treeSize: An earlier size, at most ``size``.
    /// - Throws: ``HallmarkError`` `invalid-value` when `treeSize` exceeds ``size``.
    public func root(atSize treeSize: UInt64) throws -> Hash256 {
        try checkSize(treeSize, "tree size")
        return subtreeHash(start: 0, count: treeSize)
    }

    /// The compact state of the tree at its current size.
    public var frontier: MerkleFrontier {
        var hashes: [Hash256] = []
        var start: UInt64 = 0
        // The maximal complete subtrees from the left are the set bits of the size, largest first.
        for level in stride(from: 63, through: 0, by: -1) where size >> UInt64(level) & 1 == 1 {
            hashes.append(subtreeHash(start: start, count: 1 << UInt64(level)))
            start += 1 << UInt64(level)
        }
        return try! MerkleFrontier(size: size, hashes: hashes)
    }

    /// The proof that the leaf at `index` is in the tree of size `treeSize` (RFC 9162 §2.1.3.1).
    /// - Parameters:
    ///   - index: The leaf's position, less than `treeSize`.
    ///   - treeSize: The size of the tree whose root the proof leads to, at most ``size``.
    /// - Throws: ``HallmarkError`` `invalid-value` when the leaf or the size is out of range.
    public func inclusionProof(forIndex index: UInt64, treeSize: UInt64) throws -> InclusionProof {
        try checkSize(treeSize, "tree size")
        guard index < treeSize else {
            throw HallmarkError(.invalidValue, "leaf \(index) is not in a tree of \(treeSize) leaves")
        }
        return try Self.inclusionProof(forIndex: index, treeSize: treeSize) { start, count in
            subtreeHash(start: start, count: count)
        }
    }

    /// The proof that the leaf at `index` is in the tree of size `treeSize`, with `hash` giving MTH of each range
    /// the proof needs.
    static func inclusionProof(
        forIndex index: UInt64,
        treeSize: UInt64,
        hash: (_ start: UInt64, _ count: UInt64) throws -> Hash256
    ) throws -> InclusionProof {
        var path: [Hash256] = []
        // Walk down from the root, collecting the sibling of each subtree holding the leaf;
        // the path lists them from the leaf up, so reverse at the end.
        var start: UInt64 = 0
        var count = treeSize
        while count > 1 {
            let split = largestPowerOfTwo(below: count)
            if index - start < split {
                path.append(try hash(start + split, count - split))
                count = split
            } else {
                path.append(try hash(start, split))
                start += split
                count -= split
            }
        }
        return InclusionProof(leafIndex: index, treeSize: treeSize, path: path.reversed())
    }

    /// The proof that the tree of size `oldSize` is a prefix of the tree of size `newSize` (RFC 9162 §2.1.4.1).
    ///
    /// The proof is empty when `oldSize` is 0 or equals `newSize`.
    /// - Parameters:
    ///   - oldSize: The earlier size.
    ///   - newSize: The later size, at least `oldSize` and at most ``size``.
    /// - Throws: ``HallmarkError`` `invalid-value` when the sizes are out of order or out of range.
    public func consistencyProof(from oldSize: UInt64, to newSize: UInt64) throws -> ConsistencyProof {
        try checkSize(newSize, "new size")
        guard oldSize <= newSize else {
            throw HallmarkError(.invalidValue, "old size \(oldSize) is larger than new size \(newSize)")
        }
        var path: [Hash256] = []
        if oldSize > 0 && oldSize < newSize {
            // SUBPROOF(m, D[start:start+count], complete) of RFC 9162, walked iteratively from the root.
            var start: UInt64 = 0
            var count = newSize
            var m = oldSize
            var isOldRoot = true
            while m != count {
                let split = Self.largestPowerOfTwo(below: count)
                if m <= split {
                    path.append(subtreeHash(start: start + split, count: count - split))
                    count = split
                } else {
                    path.append(subtreeHash(start: start, count: split))
                    start += split
                    count -= split
                    m -= split
                    isOldRoot = false
                }
            }
            // The old tree's own subtree is needed unless the verifier already has it as the old root.
            if !isOldRoot {
                path.append(subtreeHash(start: start, count: count))
            }
            path.reverse()
        }
        return ConsistencyProof(oldSize: oldSize, newSize: newSize, path: path)
    }

    /// MTH(D[start:start+count]) for the ranges proofs and roots use: `start` a multiple of the largest power
    /// of two not above `count`, and the range within the tree. O(log n).
    func subtreeHash(start: UInt64, count: UInt64) -> Hash256 {
        if count == 0 { return MerkleHash.emptyRoot }
        if count & (count - 1) == 0 {
            let level = count.trailingZeroBitCount
            return levels[level][Int(start >> UInt64(level))]
        }
        // An incomplete range: its complete left part, then the rest folded from the right.
        var pieces: [Hash256] = []
        var pieceStart = start
        var remaining = count
        while remaining > 0 {
            let level = UInt64(63 - remaining.leadingZeroBitCount)
            pieces.append(levels[Int(level)][Int(pieceStart >> level)])
            pieceStart += 1 << level
            remaining -= 1 << level
        }
        var hash = pieces.removeLast()
        while let left = pieces.popLast() {
            hash = MerkleHash.node(left, hash)
        }
        return hash
    }

    private func checkSize(_ treeSize: UInt64, _ name: String) throws {
        guard treeSize <= size else {
            throw HallmarkError(.invalidValue, "\(name) \(treeSize) exceeds the tree's \(size) leaves")
        }
    }

    /// The largest power of two strictly below `n` (n ≥ 2): the split point of RFC 9162's MTH.
    static func largestPowerOfTwo(below n: UInt64) -> UInt64 {
        1 << UInt64(63 - (n - 1).leadingZeroBitCount)
    }
}
