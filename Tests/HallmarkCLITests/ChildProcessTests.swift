import Foundation
import HallmarkTestSupport
import Synchronization
import Testing

/// The tests' own way of running programs, on what the other tests rely on.
@Suite("ChildProcess: programs run by the tests")
struct ChildProcessTests {
    @Test("both streams are collected apart or merged, with the exit status; a missing program throws")
    func collects() throws {
        let apart = try ChildProcess.run("/bin/sh", ["-c", "echo out; echo err >&2; exit 3"])
        #expect(apart.status == 3)
        #expect(apart.output == "out\n")
        #expect(apart.error == "err\n")
        let merged = try ChildProcess.run("/bin/sh", ["-c", "echo out; echo err >&2"], mergingError: true)
        #expect(merged.status == 0)
        #expect(merged.output.contains("out\n") && merged.output.contains("err\n"))
        #expect(throws: ChildProcess.LaunchError.self) { try ChildProcess.run("/nonexistent/program", []) }
    }

    @Test("a child writing much to standard error while its standard output is read does not block")
    func largeOutputs() throws {
        let ran = try ChildProcess.run(
            "/bin/sh",
            ["-c", "head -c 1000000 /dev/zero | tr '\\0' e >&2; head -c 1000000 /dev/zero | tr '\\0' o"]
        )
        #expect(ran.status == 0)
        #expect(ran.error == String(repeating: "e", count: 1_000_000))
        #expect(ran.output == String(repeating: "o", count: 1_000_000))
    }

    /// Without the group kill, the background `sleep` would hold the output pipe open for a day. The run waits on a
    /// thread of its own, so that a run that never returns fails the test instead of hanging it.
    @Test("a timeout ends the program and what it started")
    func timeoutEndsTheGroup() async throws {
        let finished = StatusBox()
        Thread.detachNewThread {
            let ran = try? ChildProcess.run("/bin/sh", ["-c", "sleep 86400 & sleep 86400"], timeout: 1)
            finished.status.withLock { $0 = ran?.status ?? -1 }
        }
        let deadline = ContinuousClock.now + .seconds(120)
        while finished.status.withLock({ $0 }) == nil, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        let status = finished.status.withLock { $0 }
        #expect(status == 128 + SIGKILL, "two minutes after a timeout of one second: \(String(describing: status))")
    }

    @Test("the child runs in the directory given, with the environment given, and nothing else open")
    func directoryAndEnvironment() throws {
        let folder = FileManager.default.temporaryDirectory.resolvingSymlinksInPath().path
        let ran = try ChildProcess.run(
            "/bin/sh",
            ["-c", "pwd; echo \"$HALLMARK_PROBE\"; ls /proc/self/fd | wc -l"],
            directory: folder,
            environment: ["HALLMARK_PROBE": "seen"]
        )
        let lines = ran.output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(lines.count == 3)
        #expect(lines.first == folder)
        #expect(lines.dropFirst().first == "seen")
        // Standard input, output and error, and the descriptor `ls` opens to read the folder.
        #expect(lines.last == "4")
    }
}

/// An exit status set from another thread.
private final class StatusBox: Sendable {
    let status = Mutex<Int32?>(nil)
}
