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
        let arguments =
            [
                "-t\(threads)", "-c\(connections)", "-d\(seconds)s", "--timeout", "\(timeout)s", "-s", script.path,
                url, "--",
            ] + arguments
        let ran = try await ChildProcess.onThreadOfItsOwn { try ChildProcess.run(path, arguments, mergingError: true) }
        return (ran.status, ran.output)
    }
}
