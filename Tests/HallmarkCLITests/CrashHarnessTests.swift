import Foundation
import HallmarkTestSupport
import Testing

/// The crash harness's short run (`scripts/crash-harness.py`, RELIABILITY.md "Crashes"): three nodes importing
/// through the API and the command line, syncing both ways and rebuilding filters, 20 of them killed with SIGKILL at
/// random moments and restarted.
@Suite("Crashes: nodes killed at random moments lose nothing acknowledged and keep stores that verify")
struct CrashHarnessTests {
    @Test(
        "20 SIGKILLs: every store verifies while its node is down, no acknowledged write is lost, the nodes converge",
        .enabled(if: ExternalTool.python.shouldRun, "python3 is missing")
    )
    func twentyKills() async throws {
        try ExternalTool.python.require()
        let run = try await ExternalTool.run(
            "python3",
            [
                "scripts/crash-harness.py", "--hallmark", CommandRunner.executable.path, "--kills", "20",
                "--initial", "3000", "--batch", "50", "--seconds", "900", "--json",
            ],
            timeout: 1_200
        )
        let output = run.output
        let start = try #require(output.firstIndex(of: "{"), "\(output)")
        let end = try #require(output.lastIndex(of: "}"), "\(output)")
        let summary = try #require(
            try JSONSerialization.jsonObject(with: Data(output[start...end].utf8)) as? [String: Any],
            "\(output)"
        )
        #expect(run.status == 0, "\(output)")
        #expect(summary["kills"] as? Int == 20, "\(output)")
        #expect(summary["lost"] as? Int == 0, "\(output)")
        #expect(summary["stores_failing_verification"] as? Int == 0, "\(output)")
        #expect(summary["converged"] as? Bool == true, "\(output)")
        #expect((summary["failures"] as? [String])?.isEmpty == true, "\(output)")
        // The run did write: acknowledged writes through both doors.
        let requests = summary["acknowledged_requests"] as? [String: Int] ?? [:]
        #expect((requests["api"] ?? 0) > 0 && (requests["cli"] ?? 0) > 0, "\(output)")
    }
}
