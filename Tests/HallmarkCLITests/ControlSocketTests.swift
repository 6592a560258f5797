import Foundation
import HallmarkCore
import HallmarkMember
import HallmarkTestSupport
import Testing

/// The commands given the `--data` of a running node go through its control socket; without one (or with a socket
/// left by a killed node) they open the store directly, and print the same either way.
@Suite("hallmark commands through a running node's control socket")
struct ControlSocketTests {
    /// Shows which way a command took.
    static let info = ["HALLMARK_LOG_LEVEL": "info"]
    static let throughNode = "going through the running node's control socket"
    static let direct = "opening the store directly"

    @Test("submit goes through the running node: its filter lists the indicator at once, a peer's watch brings it")
    func submitReachesNodeAndPeer() async throws {
        let cli = try CommandRunner()
        defer { cli.remove() }
        try await cli.initialize(member: "brand-a")
        try await cli.succeed(["submit", "--data", cli.data, "sku", "BEFORE-NODE"])
        let (nodeA, port) = try await Self.startNode(on: cli.data, in: cli)
        defer { _ = nodeA.stop() }

        // A peer whose periodic round is a day away: only brand-a's watch stream can bring it the new entry soon.
        let other = cli.folder.appendingPathComponent("brand-b").path
        try await cli.initialize(member: "brand-b", data: other)
        let config = try cli.write("brand-b.json", Data(#"{"sync_interval_seconds": 86400}"#.utf8))
        let (nodeB, _) = try await Self.startNode(
            on: other,
            in: cli,
            arguments: ["--config", config, "--peer", "brand-a@127.0.0.1:\(port)"]
        )
        defer { _ = nodeB.stop() }
        try await Self.waitForLines(of: nodeB, containing: "synced", count: 1)  // the first round: BEFORE-NODE

        let value = "ShopMart:Seen At Once"
        let normalized = try Identifier(kind: .seller, value: value).normalized
        let submit = try await cli.run(["submit", "--data", cli.data, "seller", value], environment: Self.info)
        #expect(submit.status == 0, "\(submit.stderr)")
        #expect(submit.stdout == "asserted seller '\(normalized)' (log size 2)\n")
        #expect(submit.stderr.contains(Self.throughNode))
        #expect(!submit.stderr.contains(Self.direct))

        // The node's own filter answers from memory: no restart, no rebuild.
        let check = try await cli.run(["check", "--data", cli.data, "seller", value], environment: Self.info)
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.hasPrefix("LISTED  seller '\(normalized)'"))
        #expect(check.stderr.contains(Self.throughNode))
        let status = try await cli.status()
        #expect(status["own_log_size"] as? Int == 2)

        try await Self.waitForLines(of: nodeB, containing: "synced", count: 2)
        let seen = try await cli.run(["check", "--data", other, "seller", value])
        #expect(seen.status == 0, "\(seen.stdout)\(seen.stderr)")
        #expect(seen.stdout.contains("by brand-a: confidence 90"))

        // status through the node adds what only the node knows.
        let peerStatus = try await cli.succeed(["status", "--data", other])
        #expect(peerStatus.stdout.contains("node          running"))
        #expect(peerStatus.stdout.contains("peer          brand-a at 127.0.0.1:\(port)"))
        #expect(nodeA.stop() == 0)
        #expect(nodeB.stop() == 0)
    }

    @Test("through a node or directly, the commands print the same and exit the same, on success and on bad input")
    func sameEitherWay() async throws {
        let direct = try CommandRunner()
        let noded = try CommandRunner()
        defer {
            direct.remove()
            noded.remove()
        }
        let disputed = try Identifier(kind: .seller, value: "Disputed Seller")
        for cli in [direct, noded] {
            try await cli.initialize(member: "brand-a")
            try await cli.receiveLog(of: "brand-b", asserting: [Submission(identifier: disputed)])
        }
        let (node, _) = try await Self.startNode(on: noded.data, in: noded)
        defer { _ = node.stop() }

        var csv = "kind,value,confidence,reason,expires,note\n"
        for i in 0..<25 { csv += "sku,SAME-IMPORT-\(i),70,counterfeit,30d,batch\n" }
        let goodFile = "good.csv"
        let badFile = "bad.csv"
        let weakImageFile = "weak-images.csv"
        for cli in [direct, noded] {
            _ = try cli.write(goodFile, Data(csv.utf8))
            _ = try cli.write(badFile, Data("kind,value,confidence\nsku,OK-1,50\nsku,OK-2,500\n".utf8))
            // Below the image-quality floor: the client sends it (it does not know the node's floor), the node refuses it.
            let weak = "kind,value,quality\nimage-pdq,\(String(repeating: "ab", count: 32)),12\n"
            _ = try cli.write(weakImageFile, Data(weak.utf8))
            _ = try cli.write("ids.txt", Data("seller ShopMart:Same Either Way\nsku nothing-here\n".utf8))
        }
        let commands: [[String]] = [
            ["submit", "seller", "ShopMart:Same Either Way", "--confidence", "80", "--note", "seen twice"],
            ["submit", "seller", "ShopMart:Same Either Way", "--confidence", "80", "--note", "seen twice"],
            ["submit", "sku", "SAME-1", "--expires", "30d"],
            ["submit", "seller", "x", "--confidence", "200"],
            ["submit", "seller", "x", "--reason", "Not A Code"],
            ["submit", "shoe", "x"],
            ["submit", "sku", "SAME-2", "--expires", "2001-01-01"],
            ["retract", "sku", "never-asserted"],
            ["retract", "sku", "SAME-1", "--note", "done"],
            ["dispute", "seller", "Disputed Seller", "--origin", "brand-b", "--reason", "Bad Reason"],
            ["dispute", "seller", "Disputed Seller", "--origin", "brand-b", "--reason", "authorized-reseller"],
            ["dispute", "seller", "Nobody Asserted", "--origin", "brand-b", "--reason", "authorized-reseller"],
            ["dispute", "seller", "ShopMart:Same Either Way", "--origin", "brand-a", "--reason", "mine"],
            ["import", goodFile],
            ["import", badFile],
            ["import", weakImageFile],
            ["check", "seller", "not listed anywhere"],
            ["check", "url", "not a url at all"],
            ["audit", "sku", "nothing-here"],
            ["audit", "evidence", "sku", "nothing-here", "--out", "nothing.json"],
            ["audit", "origin", "market-z"],
            ["audit", "origin", "Not An Id"],
            ["audit", "report", "--since", "last tuesday"],
        ]
        for command in commands {
            let expected = try await direct.run(Self.insert(direct.data, into: command))
            let got = try await noded.run(Self.insert(noded.data, into: command), environment: Self.info)
            let shown = command.joined(separator: " ")
            #expect(got.status == expected.status, "\(shown): \(got.stderr)")
            #expect(got.stdout == expected.stdout, "\(shown)")
            if expected.status != 2 {
                #expect(got.stderr.contains(Self.throughNode), "\(shown): \(got.stderr)")
            } else {
                #expect(Self.errorLines(got.stderr) == Self.errorLines(expected.stderr), "\(shown)")
                #expect(!Self.errorLines(expected.stderr).isEmpty, "\(shown)")
            }
        }
        let imported = try await noded.run(Self.insert(noded.data, into: ["import", goodFile]))
        #expect(imported.stderr.contains("sent 25 indicators to the running node in one request"))

        // The reports about one store: through its node, then (the node stopped) directly.
        let reports: [[String]] = [
            ["check", "seller", "ShopMart:Same Either Way"],
            ["check", "seller", "ShopMart:Same Either Way", "--json"],
            ["check", "seller", "Disputed Seller"],
            ["check", "--file", "ids.txt"],
            ["check", "--file", "ids.txt", "--json"],
            ["audit", "seller", "Disputed Seller"],
            ["audit", "sku", "SAME-1", "--json"],
            ["audit", "evidence", "seller", "Disputed Seller", "--out", "disputed.json", "--force"],
            ["audit", "origin", "brand-b"],
            ["audit", "origin", "brand-b", "--json"],
            ["audit", "report", "--format", "csv", "--since", "2020-01-01"],
            ["status", "--json"],
            ["status"],
        ]
        var throughNode: [CommandRunner.Result] = []
        for command in reports {
            throughNode.append(try await noded.run(Self.insert(noded.data, into: command), environment: Self.info))
        }
        #expect(node.stop() == 0)
        for (command, got) in zip(reports, throughNode) {
            let expected = try await noded.run(Self.insert(noded.data, into: command), environment: Self.info)
            let shown = command.joined(separator: " ")
            #expect(got.stderr.contains(Self.throughNode), "\(shown): \(got.stderr)")
            #expect(expected.stderr.contains(Self.direct), "\(shown): \(expected.stderr)")
            #expect(got.status == expected.status, "\(shown)")
            if command == ["status"] {
                // The node adds what only it knows, after the rest.
                #expect(got.stdout.hasPrefix(expected.stdout), "\(got.stdout)\n---\n\(expected.stdout)")
                #expect(got.stdout.contains("node          running, control socket"))
            } else {
                #expect(got.stdout == expected.stdout, "\(shown)")
            }
        }
    }

    @Test("a control socket left by a killed node is not a node: the commands open the store directly")
    func staleSocket() async throws {
        let cli = try CommandRunner()
        defer { cli.remove() }
        try await cli.initialize()
        let (node, _) = try await Self.startNode(on: cli.data, in: cli)
        node.process.signal(SIGKILL)
        _ = node.process.waitForExit()
        let socket = URL(fileURLWithPath: cli.data).appendingPathComponent("node.sock").path
        #expect(FileManager.default.fileExists(atPath: socket))

        let normalized = try Identifier(kind: .sku, value: "AFTER-CRASH").normalized
        let submit = try await cli.run(["submit", "--data", cli.data, "sku", "AFTER-CRASH"], environment: Self.info)
        #expect(submit.status == 0, "\(submit.stderr)")
        #expect(submit.stdout == "asserted sku '\(normalized)' (log size 1)\n")
        #expect(submit.stderr.contains("the control socket does not answer"))
        #expect(submit.stderr.contains(Self.direct))
        #expect(!submit.stderr.contains(Self.throughNode))
        let check = try await cli.run(["check", "--data", cli.data, "sku", "after-crash"])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")

        // With no socket at all, the same.
        try FileManager.default.removeItem(atPath: socket)
        let status = try await cli.run(["status", "--data", cli.data], environment: Self.info)
        #expect(status.status == 0)
        #expect(status.stderr.contains("no node running (no control socket)"))
        #expect(!status.stdout.contains("node          running"))
    }

    /// `command` with `--data DATA` after its name.
    static func insert(_ data: String, into command: [String]) -> [String] {
        // `--data` belongs to the subcommand: after `audit evidence`, after `submit`.
        let path =
            ["evidence", "origin", "report"].contains(command.dropFirst().first) && command[0] == "audit" ? 2 : 1
        return Array(command.prefix(path)) + ["--data", data] + command.dropFirst(path)
    }

    /// The `error: …` lines of standard error (the logs around them name the way taken).
    static func errorLines(_ stderr: String) -> [Substring] {
        stderr.split(separator: "\n").filter { $0.hasPrefix("error: ") }
    }

    /// Starts `hallmark node` on `data` with ephemeral ports; returns it once its control socket listens, with its
    /// federation port.
    static func startNode(
        on data: String,
        in cli: CommandRunner,
        arguments: [String] = []
    ) async throws -> (NodeProcess, Int) {
        let node = try NodeProcess(
            ["node", "--data", data, "--listen", "127.0.0.1:0", "--api", "127.0.0.1:0"] + arguments,
            in: cli.folder
        )
        let line = try await node.waitForLine(containing: "node listening")
        _ = try await node.waitForLine(containing: "api.socket=")
        let port = try #require(line.split(separator: " ").first { $0.hasPrefix("federation.port=") }?.dropFirst(16))
        return (node, try #require(Int(port)))
    }

    /// Waits until the node's log holds `count` lines containing `fragment`.
    static func waitForLines(of node: NodeProcess, containing fragment: String, count: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(120)
        while true {
            if node.log.split(separator: "\n").filter({ $0.contains(fragment) }).count >= count { return }
            guard ContinuousClock.now < deadline else { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("fewer than \(count) log lines with '\(fragment)'; log so far:\n\(node.log)")
        throw CancellationError()
    }
}
