import Foundation
import HallmarkTestSupport

/// wrk, the HTTP load generator (Debian's package wrk), run as a process against a node on loopback with a Lua
/// script in `scripts/wrk/` (`checks.lua` is the one `scripts/benchmark.sh --section api` uses).
struct Wrk {
    static let path = "/usr/bin/wrk"

    /// `scripts/wrk/NAME`.
    static func script(_ name: String) -> URL {
        DevelopmentAlliance.repositoryRoot.appendingPathComponent("scripts/wrk/\(name)")
    }

    /// Runs wrk on `url` with `script` and the script's `arguments` for `seconds` seconds, and returns its exit
    /// status and its report (standard output and error).
    /// - Parameters:
    ///   - timeout: Seconds after which wrk counts a request unanswered as a timeout error.
    static func run(
        script: URL,
        url: String,
        arguments: [String],
        threads: Int = 2,
        connections: Int,
        seconds: Int,
        timeout: Int
    ) async throws -> (status: Int32, report: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments =
            [
                "-t\(threads)", "-c\(connections)", "-d\(seconds)s", "--timeout", "\(timeout)s", "-s", script.path,
                url, "--",
            ] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        // Waits without holding a thread of the cooperative pool, which the requests made meanwhile need.
        let status = try await withCheckedThrowingContinuation {
            (continuation: CheckedContinuation<Int32, any Error>) in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.launchSerially()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        // wrk's report is a few lines: it fits in the pipe, so reading after the exit cannot block.
        let data = output.fileHandleForReading.readDataToEndOfFile()
        return (status, String(decoding: data, as: UTF8.self))
    }
}
