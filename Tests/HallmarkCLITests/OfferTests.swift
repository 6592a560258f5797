import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Links that carry data both ways (Protocol/PROTOCOL.md §4.5): a member that only dials out still shares, over
/// the connection it opened. Real `hallmark node` processes over mutual TLS on loopback.
@Suite("Offers: a member that only dials out shares over its own connection")
struct OfferTests {
    /// Initializes a data folder for `member`, issuing its certificate first when the development alliance has none.
    static func initialize(_ member: String, in cli: CommandRunner) async throws -> String {
        let data = cli.folder.appendingPathComponent(member).path
        let dev = CommandRunner.devCertificates
        var certificates = dev.appendingPathComponent(member)
        if !FileManager.default.fileExists(atPath: certificates.appendingPathComponent("member.pem").path) {
            certificates = cli.folder.appendingPathComponent("certs-\(member)")
            try await cli.succeed([
                "certs", "issue-member", "--alliance", dev.path, "--member", member, "--name", member, "--out",
                certificates.path,
            ])
        }
        try await cli.succeed([
            "init", "--data", data, "--member-cert", certificates.appendingPathComponent("member.pem").path,
            "--member-key", certificates.appendingPathComponent("member-key.pem").path,
            "--alliance-ca", dev.appendingPathComponent("ca.pem").path,
            "--alliance-key", dev.appendingPathComponent("alliance.key").path,
        ])
        return data
    }

    /// Waits until `check` of `sku` at `data` answers listed (through its running node); the seconds it took.
    static func waitUntilListed(_ sku: String, at data: String, in cli: CommandRunner) async throws -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + .seconds(120)
        while true {
            if try await cli.run(["check", "--data", data, "sku", sku]).status == 0 {
                let elapsed = (clock.now - start).components
                return Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
            }
            guard clock.now < deadline else { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("\(sku) never became listed at \(data)")
        throw CancellationError()
    }

    @Test("hub and brand: the brand dials the hub, and its indicator reaches the hub, provable there")
    func hubAndBrand() async throws {
        let cli = try CommandRunner()
        defer { cli.remove() }
        let hubData = try await Self.initialize("market-c", in: cli)
        let brandData = try await Self.initialize("brand-a", in: cli)
        let (hub, hubPort) = try await ControlSocketTests.startNode(on: hubData, in: cli)
        defer { _ = hub.stop() }
        let (brand, _) = try await ControlSocketTests.startNode(
            on: brandData,
            in: cli,
            arguments: ["--peer", "market-c@127.0.0.1:\(hubPort)"]
        )
        defer { _ = brand.stop() }
        _ = try await hub.waitForLine(containing: "a member offers its logs")

        try await cli.succeed(["submit", "--data", brandData, "sku", "OFFERED-1"])
        let seconds = try await Self.waitUntilListed("OFFERED-1", at: hubData, in: cli)
        print("the brand's indicator reached the hub in \(seconds) s")
        // Provable at the hub: verified proofs, an evidence bundle that verifies on its own.
        let audit = try await cli.succeed(["audit", "--data", hubData, "sku", "OFFERED-1"])
        #expect(audit.stdout.contains("inclusion proof: verified"))
        #expect(audit.stdout.contains("received from brand-a"))
        let bundle = cli.folder.appendingPathComponent("offered.evidence.json").path
        try await cli.succeed(["audit", "evidence", "--data", hubData, "sku", "OFFERED-1", "--out", bundle])
        try await cli.succeed([
            "audit", "verify", bundle, "--alliance-ca",
            CommandRunner.devCertificates.appendingPathComponent("ca.pem").path,
        ])
        // The hub's own indicator reaches the brand too, by the brand's pull, as before.
        try await cli.succeed(["submit", "--data", hubData, "sku", "HUB-1"])
        _ = try await Self.waitUntilListed("HUB-1", at: brandData, in: cli)
    }

    @Test("a node configured with accept_offers false refuses offers; the dialler still pulls from it")
    func refused() async throws {
        let cli = try CommandRunner()
        defer { cli.remove() }
        let hubData = try await Self.initialize("market-c", in: cli)
        let brandData = try await Self.initialize("brand-a", in: cli)
        let configuration = try cli.write("hub.json", Data(#"{"accept_offers": false}"#.utf8))
        let (hub, hubPort) = try await ControlSocketTests.startNode(
            on: hubData,
            in: cli,
            arguments: ["--config", configuration]
        )
        defer { _ = hub.stop() }
        try await cli.succeed(["submit", "--data", brandData, "sku", "KEPT-1"])
        try await cli.succeed(["submit", "--data", hubData, "sku", "HUB-2"])
        let (brand, _) = try await ControlSocketTests.startNode(
            on: brandData,
            in: cli,
            arguments: ["--peer", "market-c@127.0.0.1:\(hubPort)"]
        )
        defer { _ = brand.stop() }
        let line = try await brand.waitForLine(containing: "does not take this node's logs")
        #expect(line.contains("accept_offers"))
        _ = try await Self.waitUntilListed("HUB-2", at: brandData, in: cli)
        #expect(try await cli.run(["check", "--data", hubData, "sku", "KEPT-1"]).status == 1)
    }

    @Test("five nodes in a ring, each dialling only the next, converge both ways round, through one node's outage")
    func ring() async throws {
        let cli = try CommandRunner()
        defer { cli.remove() }
        let members = ["brand-a", "brand-b", "market-c", "brand-d", "brand-e"]
        var data: [String] = []
        for member in members { data.append(try await Self.initialize(member, in: cli)) }
        let ports = try members.map { _ in try Self.freePort() }
        func start(_ i: Int) async throws -> NodeProcess {
            let next = (i + 1) % members.count
            let node = try NodeProcess(
                [
                    "node", "--data", data[i], "--listen", "127.0.0.1:\(ports[i])", "--api", "127.0.0.1:0",
                    "--peer", "\(members[next])@127.0.0.1:\(ports[next])",
                ],
                in: cli.folder
            )
            _ = try await node.waitForLine(containing: "api.socket=")
            return node
        }
        var nodes: [NodeProcess] = []
        for i in members.indices { nodes.append(try await start(i)) }
        defer { for node in nodes { _ = node.stop() } }

        for (i, member) in members.enumerated() {
            try await cli.succeed(["submit", "--data", data[i], "sku", "RING-\(member)"])
        }
        for i in members.indices {
            for member in members { _ = try await Self.waitUntilListed("RING-\(member)", at: data[i], in: cli) }
        }

        // An outage: market-c stops. Its neighbours go on, and what is submitted meanwhile goes round the other way
        // too, as far as it can; when market-c is back, everything reaches everyone.
        #expect(nodes[2].stop() == 0)
        try await cli.succeed(["submit", "--data", data[1], "sku", "OUTAGE-brand-b"])
        try await cli.succeed(["submit", "--data", data[3], "sku", "OUTAGE-brand-d"])
        // brand-a pulls brand-b's (it dials brand-b); brand-d offers its own to brand-e over the link it opened.
        _ = try await Self.waitUntilListed("OUTAGE-brand-b", at: data[0], in: cli)
        _ = try await Self.waitUntilListed("OUTAGE-brand-d", at: data[4], in: cli)
        nodes[2] = try await start(2)
        try await cli.succeed(["submit", "--data", data[2], "sku", "BACK-market-c"])
        for i in members.indices {
            for sku in ["OUTAGE-brand-b", "OUTAGE-brand-d", "BACK-market-c"] {
                _ = try await Self.waitUntilListed(sku, at: data[i], in: cli)
            }
        }
        for i in members.indices {
            #expect(try await cli.run(["audit", "verify-store", "--data", data[i]]).status == 0)
        }
    }

    /// A TCP port free now on loopback, below the system's range of ephemeral ports: a node restarted on it must find
    /// it free, and a port the kernel handed out for `:0` could be handed to another test's listener meanwhile (seen:
    /// "address is in use" when market-c came back).
    static func freePort() throws -> Int {
        let range = (try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8))?
            .split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
        let ephemeralStart = range?.first ?? 32_768
        for _ in 0..<1_000 {
            let port = Int.random(in: 20_000..<max(20_001, ephemeralStart))
            if try isFree(port) { return port }
        }
        Issue.record("no free port below \(ephemeralStart)")
        throw CancellationError()
    }

    /// Whether a listener could bind `port` on loopback now.
    static func isFree(_ port: Int) throws -> Bool {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(socket >= 0)
        defer { close(socket) }
        var reuse: Int32 = 1
        setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(truncatingIfNeeded: port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(socket, pointer, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}
