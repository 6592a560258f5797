import HallmarkCore

/// An image's PDQ hash and quality, as the PDQ specification defines them.
///
/// The hash's hexadecimal form (``Hash256/hex``) is the one Meta's PDQ reference prints: bit `k` of the 256 (the
/// DCT coefficient at row `k / 16`, column `k % 16` of the 16×16 block) is bit `k` of the 256-bit big-endian number.
/// Two hashes are compared by ``Hash256/distance(to:)``; how near is near enough, and which quality is too low, is the
/// node's policy (`ImageMatching` in HallmarkMember: 31 bits and 50 by default, as the PDQ specification advises).
public struct ImageHash: Sendable, Equatable, CustomStringConvertible {
    /// The 256-bit hash.
    public var hash: Hash256
    /// How much detail the hash stands on, 0–100: the sum of the 64×64 downscaled image's gradients, scaled.
    public var quality: Int

    /// Creates a value from a hash and its quality.
    public init(hash: Hash256, quality: Int) {
        self.hash = hash
        self.quality = quality
    }

    /// The hash in hexadecimal and the quality, such as `f8f8…e0e0 quality 100`.
    public var description: String { "\(hash.hex) quality \(quality)" }
}
