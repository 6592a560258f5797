import CBloom
import HallmarkCore

/// libbloom's filter (`struct bloom`), owned: initialized for a key count and error rate, freed on deinit.
final class Libbloom {
    private let filter: UnsafeMutablePointer<bloom>

    /// A filter for `entries` keys at the false-positive rate `error`.
    init(entries: Int, error: Double) {
        filter = .allocate(capacity: 1)
        filter.initialize(to: bloom())
        let status = bloom_init(filter, Int32(entries), error)
        precondition(status == 0, "bloom_init failed for \(entries) entries")
    }

    deinit {
        bloom_free(filter)
        filter.deallocate()
    }

    /// The size of its bit array in bytes.
    var byteCount: Int { Int(filter.pointee.bytes) }

    /// The size of its bit array in bits.
    var bitCount: Int { Int(filter.pointee.bits) }

    /// The number of hash functions it uses.
    var hashCount: Int { Int(filter.pointee.hashes) }

    /// Adds each 32-byte key of `keys`.
    func add(_ keys: UnsafeBufferPointer<Hash256>) {
        let raw = UnsafeRawPointer(keys.baseAddress!)
        for i in 0..<keys.count {
            _ = bloom_add(filter, raw + i * 32, 32)
        }
    }

    /// How many of `keys` it reports as present.
    func countPresent(_ keys: UnsafeBufferPointer<Hash256>) -> Int {
        let raw = UnsafeRawPointer(keys.baseAddress!)
        var found = 0
        for i in 0..<keys.count {
            found &+= Int(bloom_check(filter, raw + i * 32, 32))
        }
        return found
    }
}
