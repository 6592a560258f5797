import Foundation
import Testing

@testable import HallmarkNode

@Suite("The node's allocator settings")
struct MemoryTrimmingTests {
    /// An operator's setting is left in force, and this test then has nothing to check.
    static let tunedByEnvironment =
        ProcessInfo.processInfo.environment["GLIBC_TUNABLES"]?.contains("mmap_threshold") == true

    // What the setting does to a node's memory depends on the whole process's history (glibc serves a large block
    // from an arena's free space when it has enough): BENCHMARKS.md measures it on a node. Here: that glibc takes it.
    #if canImport(Glibc)
        @Test(
            "glibc takes the bar for blocks mapped alone",
            .disabled(if: tunedByEnvironment, "GLIBC_TUNABLES sets glibc.malloc.mmap_threshold")
        )
        func largeBlocksMapped() {
            #expect(MemoryTrimming.returnLargeBlocks())
        }
    #endif
}
