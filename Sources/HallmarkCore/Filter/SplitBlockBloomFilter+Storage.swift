import Foundation

extension SplitBlockBloomFilter {
    /// The filter's words: one contiguous, cache-line-aligned allocation of `blockCount × 8` UInt32.
    ///
    /// A class so that ``SplitBlockBloomFilter`` can share it between copies and copy it only on
    /// write. It is `@unchecked Sendable` because its words are written only through a filter
    /// that holds the sole reference (checked with `isKnownUniquelyReferenced`); once shared, it
    /// is only read.
    @usableFromInline
    final class Storage: @unchecked Sendable {
        /// The first word; the words of block `b` are `words[8b ..< 8b + 8]`, in native byte order.
        @usableFromInline
        let words: UnsafeMutablePointer<UInt32>

        /// The number of words, always a multiple of 8.
        @usableFromInline
        let wordCount: Int

        /// From this size on, the words sit in 2 MiB huge pages where the system offers them.
        static let hugePageThreshold = 4 << 20

        /// Allocates `wordCount` zeroed words.
        init(wordCount: Int) {
            self.wordCount = wordCount
            words = Self.allocate(wordCount: wordCount)
                .initializeMemory(as: UInt32.self, repeating: 0, count: wordCount)
        }

        /// Allocates a copy of `other`'s words.
        @usableFromInline
        init(copying other: Storage) {
            wordCount = other.wordCount
            words = Self.allocate(wordCount: wordCount).bindMemory(to: UInt32.self, capacity: wordCount)
            words.initialize(from: other.words, count: wordCount)
        }

        /// Uninitialized memory for `wordCount` words, aligned so that no 32-byte block straddles a cache line.
        ///
        /// A large filter is looked up at random, so nearly every lookup would also miss the TLB
        /// with 4 KiB pages; on Linux it asks for transparent huge pages, which cuts a lookup's
        /// latency by a page walk. The advice is a hint: if it is refused, nothing changes.
        private static func allocate(wordCount: Int) -> UnsafeMutableRawPointer {
            let byteCount = max(wordCount, 1) * MemoryLayout<UInt32>.stride
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

        deinit {
            words.deinitialize(count: wordCount)
            UnsafeMutableRawPointer(words).deallocate()
        }

        /// The words as a buffer, for bulk reads and writes outside the hot path.
        var buffer: UnsafeMutableBufferPointer<UInt32> {
            UnsafeMutableBufferPointer(start: words, count: wordCount)
        }
    }
}
