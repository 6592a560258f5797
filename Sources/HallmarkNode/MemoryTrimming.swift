import Foundation
import ServiceLifecycle

#if canImport(Glibc)
    import Glibc
#endif

/// Hands the memory that requests freed back to the system every few seconds, until graceful shutdown.
///
/// glibc's allocator keeps what each thread freed in that thread's arena, for reuse: after a batch of 10 000
/// identifiers (megabytes of JSON) a node would stay at its busiest minute's size. `malloc_trim` returns the free
/// pages of every arena; it takes about a millisecond, off the request path. Does nothing where glibc is not the
/// allocator.
public struct MemoryTrimming: Service {
    /// How often free memory is returned.
    var interval: Duration = .seconds(10)

    /// Trims every ``interval`` until graceful shutdown.
    public func run() async throws {
        let trim = Self.glibcFunction("malloc_trim", as: (@convention(c) (Int) -> Int32).self)
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return
            }
            _ = trim?(0)
        }
    }

    /// Has glibc's allocator give every block of 1 MiB or more a mapping of its own, unmapped when it is freed.
    ///
    /// glibc does that from 128 KiB by default, but raises the bar to the size of each such block freed (up to
    /// 32 MiB), so that after the listed table's build or a few batches of JSON the large buffers of later requests
    /// come from the arenas and stay there: a node with 1 M listed indicators kept 66 MiB of anonymous memory once
    /// ready and 80–86 MiB after a minute of checks, against 56 and 57 MiB with the bar fixed (BENCHMARKS.md). Fixed
    /// at 128 KiB to 1 MiB, memory came out the same; 1 MiB maps the fewest blocks. (A block is still carved from free
    /// space an arena already holds, when it has enough.) An operator's own `GLIBC_TUNABLES` setting of
    /// `glibc.malloc.mmap_threshold` is left in force.
    /// - Returns: Whether glibc took the setting (`false` elsewhere, or when `GLIBC_TUNABLES` sets it).
    @discardableResult
    public static func returnLargeBlocks() -> Bool {
        if ProcessInfo.processInfo.environment["GLIBC_TUNABLES"]?.contains("mmap_threshold") == true { return false }
        let mallopt = glibcFunction("mallopt", as: (@convention(c) (Int32, Int32) -> Int32).self)
        return mallopt?(mmapThresholdOption, 1 << 20) == 1
    }

    /// `M_MMAP_THRESHOLD` in glibc's `malloc.h`.
    private static let mmapThresholdOption: Int32 = -3

    /// A function of glibc's allocator, looked up at run time: the Glibc module does not declare them (they are in
    /// `malloc.h`).
    private static func glibcFunction<Function>(_ name: String, as type: Function.Type) -> Function? {
        #if canImport(Glibc)
            guard let program = dlopen(nil, RTLD_NOW), let symbol = dlsym(program, name) else { return nil }
            return unsafeBitCast(symbol, to: type)
        #else
            return nil
        #endif
    }
}
