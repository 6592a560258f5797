import CHallmarkSpawn
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A program a test runs beside itself (`hallmark`, openssl, Python, wrk), started with `posix_spawn`.
///
/// Not Foundation's `Process`: on Linux its `run()` lists /proc/self/fd copying each entry's whole 256-byte name
/// buffer, which reads past the end of the listing when the test process holds over a thousand descriptors (many
/// nodes and stores open at once) and crashed the whole test run.
public final class ChildProcess: Sendable {
    /// The child's process id.
    public let identifier: pid_t
    /// The raw wait status, once the child has been reaped.
    private let reaped = Mutex<Int32?>(nil)

    /// A failure to start a program.
    public struct LaunchError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Starts `executable` with `arguments` in `directory`, with `environment` (this process's when nil); its
    /// standard streams on the descriptors given, /dev/null for nil. Every other descriptor is closed in the child.
    public init(
        _ executable: String,
        _ arguments: [String],
        directory: String? = nil,
        environment: [String: String]? = nil,
        input: Int32? = nil,
        output: Int32? = nil,
        error: Int32? = nil
    ) throws {
        let environment = environment ?? ProcessInfo.processInfo.environment
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var pid = pid_t()
        let status = hallmark_spawn(&pid, executable, argv, envp, directory, input ?? -1, output ?? -1, error ?? -1)
        guard status == 0 else {
            throw LaunchError(description: "cannot start \(executable): \(String(cString: strerror(status)))")
        }
        identifier = pid
    }

    /// Whether the child has not exited yet.
    public var isRunning: Bool {
        reaped.withLock { reaped in
            guard reaped == nil else { return false }
            var status: Int32 = 0
            guard waitpid(identifier, &status, WNOHANG) == identifier else { return true }
            reaped = status
            return false
        }
    }

    /// Sends `signal` to the child, unless it has exited (its id may then be another process's).
    public func signal(_ signal: Int32) {
        reaped.withLock { reaped in if reaped == nil { _ = kill(identifier, signal) } }
    }

    /// Sends `signal` to the child's process group: the child and every process it started that did not leave it
    /// (a Python tool's own children, which may hold its output pipe open).
    public func signalGroup(_ signal: Int32) {
        reaped.withLock { reaped in if reaped == nil { _ = kill(-identifier, signal) } }
    }

    /// Blocks until the child exits, and returns its exit status, or 128 plus the signal that ended it.
    public func waitForExit() -> Int32 {
        // Polled rather than a blocking waitpid, which would hold the lock that isRunning and signal need.
        while isRunning { usleep(2_000) }
        let status = reaped.withLock { $0 } ?? 0
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    /// A pipe whose ends are closed on exec: only the child given an end (as its standard stream) holds it.
    public static func pipe() throws -> (read: Int32, write: Int32) {
        var descriptors: [Int32] = [-1, -1]
        let status = hallmark_pipe(&descriptors)
        guard status == 0 else { throw LaunchError(description: "pipe: \(String(cString: strerror(status)))") }
        return (descriptors[0], descriptors[1])
    }

    /// Reads `descriptor` to its end, passing each chunk to `body`, then closes it.
    public static func drain(_ descriptor: Int32, _ body: (Data) -> Void) {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                body(Data(buffer[0..<count]))
            } else if count == 0 || errno != EINTR {
                break
            }
        }
        close(descriptor)
    }

    /// What a program that ran to its end printed, and how it ended.
    public struct Outcome: Sendable {
        /// Its exit status, or 128 plus the signal that ended it.
        public var status: Int32
        /// Its standard output (with its standard error when they were merged).
        public var output: String
        /// Its standard error, when not merged into `output`.
        public var error: String
    }

    /// Runs `body` on a thread of its own, so that waiting for a program never holds one of the concurrency pool's
    /// few threads, which the node under test may need meanwhile.
    public static func onThreadOfItsOwn<Value: Sendable>(
        _ body: @escaping @Sendable () throws -> Value
    ) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
        }
    }

    /// Runs a program to its end and collects what it prints; ends it and what it started with SIGKILL after
    /// `timeout` seconds when given.
    public static func run(
        _ executable: String,
        _ arguments: [String],
        directory: String? = nil,
        environment: [String: String]? = nil,
        mergingError: Bool = false,
        timeout: Int? = nil
    ) throws -> Outcome {
        let output = try pipe()
        let errors = mergingError ? output : try pipe()
        let child: ChildProcess
        do {
            child = try ChildProcess(
                executable,
                arguments,
                directory: directory,
                environment: environment,
                output: output.write,
                error: errors.write
            )
        } catch {
            for descriptor in Set([output.read, output.write, errors.read, errors.write]) { close(descriptor) }
            throw error
        }
        close(output.write)
        if !mergingError { close(errors.write) }
        var deadline = timeout.map { ContinuousClock.now + .seconds($0) }
        // Both pipes read as they fill, so that a child writing much to one never blocks on it while we wait on the
        // other.
        var collected = Dictionary(uniqueKeysWithValues: Set([output.read, errors.read]).map { ($0, Data()) })
        var open = Set(collected.keys)
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while !open.isEmpty {
            var polled = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let wait = deadline.map { Int32(min(max(($0 - .now) / .milliseconds(1), 0), 60_000).rounded(.up)) } ?? -1
            if poll(&polled, nfds_t(polled.count), wait) == 0, deadline != nil, ContinuousClock.now >= deadline! {
                child.signalGroup(SIGKILL)
                deadline = nil
                continue
            }
            for entry in polled where entry.revents != 0 {
                let count = buffer.withUnsafeMutableBytes { read(entry.fd, $0.baseAddress, $0.count) }
                if count > 0 {
                    collected[entry.fd, default: Data()].append(contentsOf: buffer[0..<count])
                } else if count == 0 || errno != EINTR {
                    open.remove(entry.fd)
                    close(entry.fd)
                }
            }
        }
        return Outcome(
            status: child.waitForExit(),
            output: String(decoding: collected[output.read] ?? Data(), as: UTF8.self),
            error: mergingError ? "" : String(decoding: collected[errors.read] ?? Data(), as: UTF8.self)
        )
    }
}
