import Crypto

/// The hash functions of a Hallmark log's Merkle tree, exactly as RFC 9162 §2.1.1 defines them with SHA-256.
///
/// The `0x00` / `0x01` prefixes keep a leaf from ever being passed off as an interior node.
public enum MerkleHash {
    /// The root of the empty tree: SHA-256 of no bytes.
    public static let emptyRoot = Hash256(SHA256.hash(data: [UInt8]()))

    /// The hash of a leaf: SHA-256(0x00 ‖ bytes).
    /// - Parameter bytes: The leaf's data, for Hallmark an entry's encoded bytes.
    public static func leaf(_ bytes: some Collection<UInt8>) -> Hash256 {
        var hasher = SHA256()
        withUnsafeBytes(of: UInt8(0x00)) { hasher.update(bufferPointer: $0) }
        let done: Void? = bytes.withContiguousStorageIfAvailable { buffer in
            hasher.update(bufferPointer: UnsafeRawBufferPointer(buffer))
        }
        if done == nil {
            Array(bytes).withUnsafeBytes { hasher.update(bufferPointer: $0) }
        }
        return Hash256(hasher.finalize())
    }

    /// The hash of an interior node: SHA-256(0x01 ‖ left ‖ right).
    /// - Parameters:
    ///   - left: The hash of the left subtree.
    ///   - right: The hash of the right subtree.
    public static func node(_ left: Hash256, _ right: Hash256) -> Hash256 {
        // 0x01 then the two hashes as 64 big-endian bytes, hashed from the stack without allocating.
        var words = (
            left.w0.bigEndian, left.w1.bigEndian, left.w2.bigEndian, left.w3.bigEndian,
            right.w0.bigEndian, right.w1.bigEndian, right.w2.bigEndian, right.w3.bigEndian
        )
        var hasher = SHA256()
        withUnsafeBytes(of: UInt8(0x01)) { hasher.update(bufferPointer: $0) }
        withUnsafeBytes(of: &words) { hasher.update(bufferPointer: $0) }
        return Hash256(hasher.finalize())
    }
}
