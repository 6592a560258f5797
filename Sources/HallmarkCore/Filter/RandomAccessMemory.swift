import Foundation

/// Memory for the large structures that checks read at random — the Bloom filter's words, the PDQ index's hashes:
/// aligned to a cache line, and from ``hugePageThreshold`` on, in 2 MiB huge pages where the system offers them.
///
/// Read at random, nearly every read of a large structure misses the TLB as well as the cache with 4 KiB pages; on
/// Linux the memory is advised for transparent huge pages, which saves each read a page walk. The advice is a hint:
/// if it is refused, nothing changes.
enum RandomAccessMemory {
    /// From this size on, the memory is asked for in huge pages.
    static let hugePageThreshold = 4 << 20

    /// Uninitialized memory of `byteCount` bytes (at least 1), aligned to 64 bytes or more; free it with
    /// `deallocate()`.
    static func allocate(byteCount: Int) -> UnsafeMutableRawPointer {
        let byteCount = max(byteCount, 1)
        guard byteCount >= hugePageThreshold else {
            return UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: 64)
        }
        let hugePage = 2 << 20
        let raw = UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: hugePage)
        #if os(Linux)
            _ = madvise(raw, byteCount & ~(hugePage - 1), MADV_HUGEPAGE)
        #endif
        return raw
    }
}
