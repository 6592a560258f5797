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
        private static func allocate(wordCount: Int) -> UnsafeMutableRawPointer {
            RandomAccessMemory.allocate(byteCount: wordCount * MemoryLayout<UInt32>.stride)
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
