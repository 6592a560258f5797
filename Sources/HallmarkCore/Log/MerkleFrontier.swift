/// The compact state of a Merkle tree: its size and the hashes of its maximal complete subtrees, enough to
/// append leaves and compute the root without holding the leaves (O(log n) hashes).
///
/// For a tree of size n, ``hashes`` holds one hash per set bit of n, largest subtree (leftmost) first: the
/// "compact range" `[0, n)`. A store keeps one per origin and checks a new batch by appending the batch's
/// leaf hashes to a copy and comparing its ``root`` with the signed checkpoint's.
public struct MerkleFrontier: Hashable, Sendable {
    /// The number of leaves appended.
    public private(set) var size: UInt64
    /// The hashes of the maximal complete subtrees, left to right (largest first).
    public private(set) var hashes: [Hash256]

    /// The format version written as an encoded frontier's first byte.
    public static let formatVersion: UInt8 = 1

    /// The state of an empty tree.
    public init() {
        size = 0
        hashes = []
    }

    /// A frontier from its parts, as read from storage.
    /// - Parameters:
    ///   - size: The tree size.
    ///   - hashes: One hash per set bit of `size`, largest subtree first.
    /// - Throws: ``HallmarkError`` `invalid-value` when the count of hashes does not match the size.
    public init(size: UInt64, hashes: [Hash256]) throws {
        guard hashes.count == size.nonzeroBitCount else {
            throw HallmarkError(
                .invalidValue,
                "a tree of \(size) leaves has \(size.nonzeroBitCount) complete subtrees, not \(hashes.count)"
            )
        }
        self.size = size
        self.hashes = hashes
    }

    /// A frontier holding the given leaf hashes, in order.
    /// - Parameter leafHashes: The leaf hashes to append.
    public init(leafHashes: some Sequence<Hash256>) {
        self.init()
        append(contentsOf: leafHashes)
    }

    /// Appends a leaf hash.
    /// - Parameter leafHash: The leaf's hash.
    /// - Precondition: ``size`` is below `UInt64.max`.
    public mutating func append(_ leafHash: Hash256) {
        precondition(size < .max, "a Merkle tree cannot grow beyond UInt64.max leaves")
        var hash = leafHash
        var carry = size
        // Like binary addition of 1: each trailing 1 bit is a complete subtree that merges with the new one.
        while carry & 1 == 1 {
            hash = MerkleHash.node(hashes.removeLast(), hash)
            carry >>= 1
        }
        hashes.append(hash)
        size += 1
    }

    /// Appends leaf hashes in order.
    /// - Parameter leafHashes: The hashes to append.
    public mutating func append(contentsOf leafHashes: some Sequence<Hash256>) {
        for hash in leafHashes { append(hash) }
    }

    /// The root hash of the tree; ``MerkleHash/emptyRoot`` when it is empty.
    public var root: Hash256 {
        guard var hash = hashes.last else { return MerkleHash.emptyRoot }
        for left in hashes.dropLast().reversed() {
            hash = MerkleHash.node(left, hash)
        }
        return hash
    }

    /// The frontier's bytes for storage: the version byte 0x01, the size as 8 big-endian bytes, then each hash
    /// (32 bytes), largest subtree first.
    public func encoded() -> [UInt8] {
        var writer = LogByteWriter(capacity: 9 + 32 * hashes.count)
        writer.byte(Self.formatVersion)
        writer.uint64(size)
        for hash in hashes { writer.hash(hash) }
        return writer.bytes
    }

    /// Decodes a frontier written by ``encoded()``.
    /// - Parameter bytes: The encoded frontier.
    /// - Throws: ``HallmarkError`` `malformed` for another version, a size over ``Checkpoint/maximumTreeSize``, a wrong
    ///   length or trailing bytes.
    public init(decoding bytes: some Collection<UInt8>) throws {
        let array = Array(bytes)
        let (size, hashes) = try array.withUnsafeBufferPointer { buffer in
            var reader = LogByteReader(buffer, what: "Merkle frontier")
            let version = try reader.byte("version")
            guard version == Self.formatVersion else {
                throw HallmarkError(
                    .malformed,
                    "Merkle frontier format version \(version) is not supported (expected \(Self.formatVersion))",
                    location: "version"
                )
            }
            let size = try reader.uint64("size")
            // A larger size would make appending overflow: no log reaches it (a damaged store could hold one).
            guard size <= Checkpoint.maximumTreeSize else {
                throw HallmarkError(
                    .malformed,
                    "Merkle frontier size \(size) is over the largest a log may reach (\(Checkpoint.maximumTreeSize))",
                    location: "size"
                )
            }
            var hashes: [Hash256] = []
            hashes.reserveCapacity(size.nonzeroBitCount)
            for _ in 0..<size.nonzeroBitCount {
                hashes.append(try reader.hash("hashes"))
            }
            try reader.finish()
            return (size, hashes)
        }
        try self.init(size: size, hashes: hashes)
    }
}
