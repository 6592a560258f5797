import Foundation
import HallmarkTestSupport
import Testing

/// Connections that open a TLS handshake and never finish it must neither hold the node's descriptors nor lock
/// out its honest peers and its API.
///
/// The attacker is a child process (`Tests/hostile/stalled_handshakes.py`): its hundreds of sockets stay out of the
/// test process, whose other tests start processes of their own meanwhile.
@Suite("stalled TLS handshakes on the federation listener")
struct StalledHandshakeTests {
    static let attackers = 300

    @Test(
        "300 stalled handshakes under a limit of 256 descriptors: an honest peer syncs, the API answers, all are cut off",
        .enabled(if: ExternalTool.python.shouldRun, "python3 is missing")
    )
    func stalledHandshakes() async throws {
        try ExternalTool.python.require()
        let cli = try CommandRunner()
        defer { cli.remove() }
        try await cli.initialize(member: "brand-a")
        try await cli.succeed(["submit", "--data", cli.data, "sku", "HANDSHAKE-1"])
        let honest = cli.folder.appendingPathComponent("brand-b").path
        try await cli.initialize(member: "brand-b", data: honest)
        // brand-b is a configured peer at 127.0.0.1: room is kept for it; the flood comes from 127.0.0.2–6.
        let config = try cli.write(
            "a.json",
            Data(
                #"{"handshake_timeout_seconds": 2, "max_connections": 150, "peers": ["brand-b@127.0.0.1:9"]}"#.utf8
            )
        )
        let node = try NodeProcess(
            ["node", "--data", cli.data, "--config", config, "--listen", "127.0.0.1:0", "--api", "127.0.0.1:0"],
            in: cli.folder,
            openFiles: 256
        )
        defer { _ = node.stop() }
        let line = try await node.waitForLine(containing: "node listening")
        let port = try #require(
            line.split(separator: " ").first { $0.hasPrefix("federation.port=") }.flatMap { Int($0.dropFirst(16)) }
        )

        let script = DevelopmentAlliance.repositoryRoot.appendingPathComponent("Tests/hostile/stalled_handshakes.py")
        let flood = try NodeProcess(
            program: URL(fileURLWithPath: "/usr/bin/env"),
            [
                "python3", script.path, "--port", "\(port)", "--count", "\(Self.attackers)",
                "--sources", "127.0.0.2,127.0.0.3,127.0.0.4,127.0.0.5,127.0.0.6", "--drain", "60",
            ],
            in: cli.folder,
            collectOutput: true,
            withInput: true
        )
        defer { if flood.process.isRunning { flood.process.signal(SIGKILL) } }
        _ = try await flood.waitForLine(containing: "flooding:")

        // While the flood goes on (it replaces every connection the node closes): the honest peer syncs, and the
        // API answers on the control socket.
        let sync = try await cli.run(["sync", "--data", honest, "--peer", "brand-a@127.0.0.1:\(port)"])
        #expect(sync.status == 0, "\(sync.stdout)\(sync.stderr)\n\(node.log)")
        let check = try await cli.run(["check", "--data", honest, "sku", "HANDSHAKE-1"])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        let status = try await cli.run(["status", "--data", cli.data])
        #expect(status.status == 0 && status.stdout.contains("node          running"), "\(status.stderr)")
        #expect(flood.process.isRunning, "the flood ended early:\n\(flood.log)")

        // The flood stops replacing connections; the node closes every one left, those over the limit at once and
        // the others at the handshake deadline. The script exits 0 only when none is left open.
        try flood.input?.close()
        let exit = try await flood.waitForExit(timeout: .seconds(120))
        #expect(exit == 0, "\(flood.log)")
        #expect(flood.log.contains("still open 0"), "\(flood.log)")
        #expect(node.log.contains("closed a connection whose TLS handshake did not finish in time"))
        #expect(node.log.contains("refused a connection: too many open"))
        #expect(node.process.isRunning)
    }
}
