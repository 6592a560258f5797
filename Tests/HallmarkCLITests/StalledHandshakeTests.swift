import Foundation
import HallmarkCore
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Connections that open a TLS handshake and never finish it must neither hold the node's descriptors nor lock
/// out its honest peers and its API.
// Disabled in the shared test run: its 300 sockets in the test process push descriptor numbers past what Foundation's
// Process.run copies safely, and a concurrent test that starts a process crashed (SIGSEGV in Process.run, CI run of
// 2026-12-04). To move the stalled connections into a child process is the fix; run it alone meanwhile with
// `swift test --filter StalledHandshake` after removing `.disabled`.
@Suite(
    "stalled TLS handshakes on the federation listener",
    .disabled("300 sockets in the test process crash Foundation's Process.run in concurrent tests; see the comment")
)
struct StalledHandshakeTests {
    static let attackers = 300

    @Test(
        "300 stalled handshakes under a limit of 256 descriptors: an honest peer syncs, the API answers, all are cut off"
    )
    func stalledHandshakes() async throws {
        let cli = try CommandRunner()
        defer { cli.remove() }
        try cli.initialize(member: "brand-a")
        try cli.succeed(["submit", "--data", cli.data, "sku", "HANDSHAKE-1"])
        let honest = cli.folder.appendingPathComponent("brand-b").path
        try cli.initialize(member: "brand-b", data: honest)
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

        let sockets = try (0..<Self.attackers).map {
            try Self.stalledHandshake(to: port, from: "127.0.0.\(2 + $0 % 5)")
        }
        defer { for socket in sockets { close(socket) } }

        // While they stall: the honest peer syncs, and the API answers on the control socket.
        let sync = try cli.run(["sync", "--data", honest, "--peer", "brand-a@127.0.0.1:\(port)"])
        #expect(sync.status == 0, "\(sync.stdout)\(sync.stderr)\n\(node.log)")
        let check = try cli.run(["check", "--data", honest, "sku", "HANDSHAKE-1"])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        let status = try cli.run(["status", "--data", cli.data])
        #expect(status.status == 0 && status.stdout.contains("node          running"), "\(status.stderr)")

        // Every stalled connection is closed by the node: those over the limit at once, the others at the deadline.
        var open = sockets
        let deadline = ContinuousClock.now + .seconds(60)
        while !open.isEmpty, ContinuousClock.now < deadline {
            open = open.filter { !Self.closedByPeer($0) }
            if !open.isEmpty { try await Task.sleep(for: .milliseconds(200)) }
        }
        #expect(open.isEmpty, "\(open.count) of \(Self.attackers) stalled connections still open")
        #expect(node.log.contains("closed a connection whose TLS handshake did not finish in time"))
        #expect(node.log.contains("refused a connection: too many open"))
        #expect(node.process.isRunning)
    }

    /// A TCP connection from `source` that sends the first bytes of a TLS ClientHello and then nothing.
    static func stalledHandshake(to port: Int, from source: String) throws -> Int32 {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw HallmarkError(.peerProblem, "socket: \(errno)") }
        var local = sockaddr_in()
        local.sin_family = sa_family_t(AF_INET)
        inet_pton(AF_INET, source, &local.sin_addr)
        var remote = sockaddr_in()
        remote.sin_family = sa_family_t(AF_INET)
        remote.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, "127.0.0.1", &remote.sin_addr)
        let bound = withUnsafePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        let connected = withUnsafePointer(to: &remote) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, connected == 0 else {
            close(socket)
            throw HallmarkError(.peerProblem, "connect from \(source) to port \(port): errno \(errno)")
        }
        // A TLS record header announcing a 512-byte handshake message, and only the start of it.
        let partial: [UInt8] = [0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xFC, 0x03, 0x03]
        _ = partial.withUnsafeBytes { send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        return socket
    }

    /// Whether the other end closed `socket` (end of stream or reset), without waiting.
    static func closedByPeer(_ socket: Int32) -> Bool {
        var byte: UInt8 = 0
        let count = recv(socket, &byte, 1, Int32(MSG_DONTWAIT))
        return count == 0 || (count < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
    }
}
