import Testing

@testable import HallmarkNode

#if canImport(Glibc)
    import Glibc
#endif

@Suite("The node's allocator settings")
struct MemoryTrimmingTests {
    #if canImport(Glibc)
        @Test("a block of 2 MiB gets a mapping of its own, returned when freed, even after a larger block was freed")
        func largeBlocksMapped() throws {
            MemoryTrimming.returnLargeBlocks()
            // Left to itself, glibc would now raise its bar to 8 MiB and serve the next 2 MiB from an arena.
            free(malloc(8 << 20))
            let block = try #require(malloc(2 << 20))
            defer { free(block) }
            // glibc's chunk header, the word before the block: the chunk's size, bit 1 set for a chunk mapped alone.
            let header = block.load(fromByteOffset: -MemoryLayout<UInt>.size, as: UInt.self)
            #expect(header & 2 != 0, "the 2 MiB block came from an arena")
        }
    #endif
}
