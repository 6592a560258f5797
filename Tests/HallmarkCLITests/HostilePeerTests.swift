import Foundation
import HallmarkTestSupport
import Testing

/// Everything a hostile member can do to a node at once, against a real node process under a limit of 256
/// descriptors: stalled TLS handshakes from five addresses, 20 slow FetchLog readers of a large log, and more
/// FetchLog calls than its budget. Meanwhile an honest member syncs from it and its API answers; afterwards its
/// descriptors and memory come back down, and `status` names the offenders.
@Suite("a hostile member does everything at once")
struct HostilePeerTests {
    static let entries = 20_000

    @Test(
        "stalled handshakes, slow readers and a fetch flood together: the honest peer syncs, the API answers, resources are bounded",
        .enabled(if: ExternalTool.pythonGRPC.shouldRun, "python3 with grpcio is missing")
    )
    func everythingAtOnce() async throws {
        try ExternalTool.pythonGRPC.require()
        let cli = try CommandRunner()
        defer { cli.remove() }
        try await cli.initialize(member: "brand-a")
        let csv = "kind,value\n" + (0..<Self.entries).map { "seller,shopmart:hostile \($0)\n" }.joined()
        try await cli.succeed(["import", "--data", cli.data, try cli.write("sellers.csv", Data(csv.utf8))])
        let honest = cli.folder.appendingPathComponent("brand-b").path
        try await cli.initialize(member: "brand-b", data: honest)
        let config = try cli.write(
            "a.json",
            Data(#"{"handshake_timeout_seconds": 5, "max_connections": 150, "peers": ["brand-b@127.0.0.1:9"]}"#.utf8)
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
        let pid = node.process.identifier
        let baseline = try Self.descriptors(of: pid)

        let hostile = DevelopmentAlliance.repositoryRoot.appendingPathComponent("Tests/hostile")
        let env = URL(fileURLWithPath: "/usr/bin/env")
        let flood = try NodeProcess(
            program: env,
            [
                "python3", hostile.appendingPathComponent("stalled_handshakes.py").path, "--port", "\(port)",
                "--count", "300", "--sources", "127.0.0.2,127.0.0.3,127.0.0.4,127.0.0.5,127.0.0.6", "--drain", "60",
            ],
            in: cli.folder,
            collectOutput: true,
            withInput: true
        )
        defer { if flood.process.isRunning { flood.process.signal(SIGKILL) } }
        let dev = CommandRunner.devCertificates.path
        // 20 streams of market-c, each on its own connection, reading a chunk of 64 entries a second: 8 are admitted
        // at once, the origin's rate refuses most of the rest. They read until told to stop (their standard input
        // closed) after the checks, however long the honest sync takes on a loaded machine; 300 s at most.
        let readers = try NodeProcess(
            program: env,
            [
                "python3", hostile.appendingPathComponent("slow_readers.py").path, "--port", "\(port)",
                "--cert", "\(dev)/market-c/member.pem", "--key", "\(dev)/market-c/member-key.pem",
                "--ca", "\(dev)/ca.pem", "--origin", "brand-a", "--count", "20", "--chunk", "64",
                "--interval", "1", "--seconds", "300", "--until-stdin-closes",
            ],
            in: cli.folder,
            collectOutput: true,
            withInput: true
        )
        defer { if readers.process.isRunning { readers.process.signal(SIGKILL) } }
        _ = try await flood.waitForLine(containing: "flooding:")
        _ = try await readers.waitForLine(containing: "reading 20 streams")

        // While all of it goes on: the honest peer syncs the whole log, and the API answers.
        var peakMemory = try Self.residentMegabytes(of: pid)
        var peakDescriptors = try Self.descriptors(of: pid)
        let sync = try await cli.run(["sync", "--data", honest, "--peer", "brand-a@127.0.0.1:\(port)"])
        #expect(sync.status == 0, "\(sync.stdout)\(sync.stderr)")
        #expect(sync.stdout.contains("fetched \(Self.entries) entries"), "\(sync.stdout)")
        let status = try await cli.run(["status", "--data", cli.data])
        #expect(status.status == 0 && status.stdout.contains("node          running"), "\(status.stderr)")
        #expect(flood.process.isRunning && readers.process.isRunning, "the attack ended before the checks")

        // Both are told to stop. Meanwhile, the peaks.
        try flood.input?.close()
        try readers.input?.close()
        while flood.process.isRunning || readers.process.isRunning {
            peakMemory = max(peakMemory, try Self.residentMegabytes(of: pid))
            peakDescriptors = max(peakDescriptors, try Self.descriptors(of: pid))
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(flood.process.waitForExit() == 0, "\(flood.log)")
        #expect(readers.process.waitForExit() == 0, "\(readers.log)")
        // Never at the ceiling: the connection limits (150 in all) cut in well before it.
        #expect(peakDescriptors < 256, "peak \(peakDescriptors) descriptors")
        // A debug build of the node serving a 20 000-entry log idles near 60 MB; the attack may not triple it.
        #expect(peakMemory < 300, "peak \(peakMemory) MB")

        // Afterwards every connection is gone, and the offenders are named.
        var after = try Self.descriptors(of: pid)
        for _ in 0..<100 where after > baseline + 8 {
            try await Task.sleep(for: .milliseconds(200))
            after = try Self.descriptors(of: pid)
        }
        #expect(after <= baseline + 8, "\(after) descriptors open, \(baseline) before the attack")
        let final = try await cli.run(["status", "--data", cli.data])
        #expect(final.stdout.contains("refused       market-c: FetchLog"), "\(final.stdout)")
        #expect(final.stdout.contains("refused       address 127.0.0."), "\(final.stdout)")
        #expect(node.process.isRunning)
    }

    /// The descriptors process `pid` has open.
    static func descriptors(of pid: Int32) throws -> Int {
        try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count
    }

    /// The resident memory of process `pid`, in megabytes.
    static func residentMegabytes(of pid: Int32) throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") })
        let kilobytes = try #require(line.split(separator: " ").dropFirst().first.flatMap { Int($0) })
        return kilobytes / 1024
    }
}
