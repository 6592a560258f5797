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
struct MemoryTrimming: Service {
    /// How often free memory is returned.
    var interval: Duration = .seconds(10)

    func run() async throws {
        let trim = Self.mallocTrim()
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return
            }
            _ = trim?(0)
        }
    }

    /// glibc's `malloc_trim`, looked up at run time: the Glibc module does not declare it (it is in `malloc.h`).
    private static func mallocTrim() -> (@convention(c) (Int) -> Int32)? {
        #if canImport(Glibc)
            guard let program = dlopen(nil, RTLD_NOW), let symbol = dlsym(program, "malloc_trim") else { return nil }
            return unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)
        #else
            return nil
        #endif
    }
}
