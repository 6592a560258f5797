import Foundation
import HallmarkTestSupport

/// wrk, the HTTP load generator (Debian's package wrk), run as a process against a node on loopback with one of the
/// Lua scripts in `scripts/wrk/` (the ones `scripts/benchmark.sh --section api` uses).
struct Wrk {
    static let path = "/usr/bin/wrk"

    static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: path) }

    /// Whether tests run under continuous integration, where a missing wrk is a failure, not a skip.
    static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] != nil }

    /// Whether the load tests should run: when wrk is installed, and always under CI (where they then fail).
    /// Prints a note when they are skipped, so the skip is visible in the test log.
    static var testsShouldRun: Bool {
        if isAvailable || isCI { return true }
        print(
            "note: skipping the load tests: \(path) is not installed (Debian package wrk; with CI set they fail instead)"
        )
        return false
    }

    /// `scripts/wrk/NAME`.
    static func script(_ name: String) -> URL {
        DevelopmentAlliance.repositoryRoot.appendingPathComponent("scripts/wrk/\(name)")
    }

    let process: Process
    private let output: Pipe

    /// Starts wrk on `url` with `script` and the script's `arguments`; it stops by itself after `duration` seconds
    /// at the latest.
    /// - Parameters:
    ///   - timeout: Seconds after which wrk counts a request unanswered as a timeout error.
    init(
        script: URL,
        url: String,
        arguments: [String],
        threads: Int = 2,
        connections: Int,
        duration: Int,
        timeout: Int
    ) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: Self.path)
        process.arguments =
            [
                "-t\(threads)", "-c\(connections)", "-d\(duration)s", "--timeout", "\(timeout)s", "-s", script.path,
                url, "--",
            ] + arguments
        output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
    }

    /// Stops wrk with SIGINT (it then prints its report as at the end of its duration) and returns its exit status,
    /// its report, and whether it was still running, that is, whether it ran the whole time until now.
    func stop() -> (status: Int32, report: String, wasRunning: Bool) {
        let wasRunning = process.isRunning
        if wasRunning { kill(process.processIdentifier, SIGINT) }
        // Read before waiting, so that a full pipe never blocks wrk.
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self), wasRunning)
    }
}
