import Foundation
import HallmarkTestSupport
import Testing

/// `examples/hallmark-node.service`: a unit systemd accepts without a warning, hardened as README says.
@Suite("the systemd unit in examples/")
struct SystemdUnitTests {
    static let unit = DevelopmentAlliance.repositoryRoot.appendingPathComponent("examples/hallmark-node.service")

    @Test(
        "systemd-analyze verify accepts it with no warning (ExecStart pointed at the binary just built)",
        .enabled(if: ExternalTool.systemdAnalyze.shouldRun, "systemd-analyze is missing")
    )
    func verifies() async throws {
        try ExternalTool.systemdAnalyze.require()
        let cli = try CommandRunner()
        defer { cli.remove() }
        let text = try String(contentsOf: Self.unit, encoding: .utf8)
        #expect(text.contains("ExecStart=/usr/local/bin/hallmark node "))
        // verify checks that ExecStart's program exists: the one this test run built stands in for the installed one.
        let local = text.replacingOccurrences(of: "/usr/local/bin/hallmark", with: CommandRunner.executable.path)
        let copy = try cli.write("hallmark-node.service", Data(local.utf8))
        let run = try await ExternalTool.run("systemd-analyze", ["verify", copy])
        #expect(run.status == 0, "\(run.output)")
        #expect(run.output.isEmpty, "systemd-analyze warned:\n\(run.output)")
    }

    @Test("it runs the node as its own user, with the system read-only and only its data folder writable")
    func hardened() throws {
        let settings = Set(
            try String(contentsOf: Self.unit, encoding: .utf8).split(separator: "\n").filter { !$0.hasPrefix("#") }
                .map(String.init)
        )
        for setting in [
            "User=hallmark", "ProtectSystem=strict", "ProtectHome=yes", "StateDirectory=hallmark",
            "StateDirectoryMode=0700", "UMask=0077", "NoNewPrivileges=yes", "CapabilityBoundingSet=",
            "PrivateTmp=yes", "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX",
        ] {
            #expect(settings.contains(setting), "missing \(setting)")
        }
        #expect(settings.contains { $0.hasPrefix("ExecStart=") && $0.contains("--data /var/lib/hallmark") })
    }
}
