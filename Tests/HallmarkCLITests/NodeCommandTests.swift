import Foundation
import GRDB
import HallmarkTestSupport
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A `hallmark node` process, with its standard error collected as it comes; or another program run beside it.
final class NodeProcess: Sendable {
    let process: ChildProcess
    /// The write end of the program's standard input, when it was given one to read from the test.
    let input: FileHandle?
    private let output = LogBuffer()

    /// Runs `hallmark` with `arguments` in `folder`; under a limit of `openFiles` descriptors when given.
    convenience init(_ arguments: [String], in folder: URL, openFiles: Int? = nil) throws {
        if let openFiles {
            try self.init(
                program: URL(fileURLWithPath: "/bin/sh"),
                ["-c", "ulimit -n \(openFiles) && exec \"$0\" \"$@\"", CommandRunner.executable.path] + arguments,
                in: folder
            )
        } else {
            try self.init(program: CommandRunner.executable, arguments, in: folder)
        }
    }

    /// Runs `program` with `arguments` in `folder`, collecting its standard error (and its standard output when
    /// `collectOutput`), with a pipe for its standard input when `withInput`.
    init(program: URL, _ arguments: [String], in folder: URL, collectOutput: Bool = false, withInput: Bool = false)
        throws
    {
        let log = try ChildProcess.pipe()
        let stdin = withInput ? try ChildProcess.pipe() : nil
        // The child holds its own copies of the ends it uses.
        defer {
            close(log.write)
            if let stdin { close(stdin.read) }
        }
        do {
            process = try ChildProcess(
                program.path,
                arguments,
                directory: folder.path,
                input: stdin?.read,
                output: collectOutput ? log.write : nil,
                error: log.write
            )
        } catch {
            close(log.read)
            if let stdin { close(stdin.write) }
            throw error
        }
        input = stdin.map { FileHandle(fileDescriptor: $0.write, closeOnDealloc: true) }
        Thread.detachNewThread { [output] in
            ChildProcess.drain(log.read) { output.append(String(decoding: $0, as: UTF8.self)) }
        }
    }

    /// `hallmark node` on `data`, its federation and API ports chosen by the system.
    convenience init(serving data: String, in folder: URL) throws {
        try self.init(["node", "--data", data, "--listen", "127.0.0.1:0", "--api", "127.0.0.1:0"], in: folder)
    }

    /// Waits until the node listens, and returns the port of its HTTP API.
    func apiPort() async throws -> Int {
        let line = try await waitForLine(containing: "node listening")
        return try #require(
            line.split(separator: " ").first { $0.hasPrefix("api.port=") }.flatMap { Int($0.dropFirst(9)) }
        )
    }

    var log: String { output.text }

    /// Waits for a line of the log that contains `fragment`, and returns it.
    func waitForLine(containing fragment: String, timeout: Duration = .seconds(120)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        // The log is read once more after the deadline: on a loaded machine a sleep can overrun it by minutes.
        while true {
            if let line = log.split(separator: "\n").first(where: { $0.contains(fragment) }) { return String(line) }
            guard process.isRunning, ContinuousClock.now < deadline else { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("no log line with '\(fragment)'; log so far:\n\(log)")
        throw CancellationError()
    }

    /// SIGTERM, then the exit status.
    func stop() -> Int32 {
        process.signal(SIGTERM)
        return process.waitForExit()
    }

    /// Waits up to `timeout` for the program to end by itself (polling, so that no thread of the pool is held),
    /// and returns its exit status; kills it and returns nil when it is still running then.
    func waitForExit(timeout: Duration) async throws -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(100)) }
        guard !process.isRunning else {
            process.signal(SIGKILL)
            return nil
        }
        return process.waitForExit()
    }
}

/// Text appended from one thread and read from another.
final class LogBuffer: Sendable {
    private let storage = Mutex("")

    func append(_ text: String) { storage.withLock { $0 += text } }

    var text: String { storage.withLock { $0 } }
}

/// `hallmark node`, `sync` and `demo` as processes, over real sockets and mutual TLS.
@Suite("hallmark node, sync and demo")
struct NodeCommandTests {
    @Test("a node serves its log; another member syncs from it; SIGTERM stops it gracefully")
    func nodeAndSync() async throws {
        let cli = try CommandRunner()
        defer { cli.remove() }
        try await cli.initialize(member: "brand-a")
        try await cli.succeed(["submit", "--data", cli.data, "seller", "shopmart:served fake", "--confidence", "77"])
        let node = try NodeProcess(
            ["node", "--data", cli.data, "--listen", "127.0.0.1:0", "--api", "127.0.0.1:0"],
            in: cli.folder
        )
        let line = try await node.waitForLine(containing: "node listening")
        let port = try #require(line.split(separator: " ").first { $0.hasPrefix("federation.port=") }?.dropFirst(16))

        let other = cli.folder.appendingPathComponent("brand-b").path
        let dev = CommandRunner.devCertificates.path
        try await cli.succeed([
            "init", "--data", other, "--member-cert", "\(dev)/brand-b/member.pem",
            "--member-key", "\(dev)/brand-b/member-key.pem", "--alliance-ca", "\(dev)/ca.pem",
            "--alliance-key", "\(dev)/alliance.key",
        ])
        let sync = try await cli.succeed(["sync", "--data", other, "--peer", "brand-a@127.0.0.1:\(port)"])
        #expect(sync.stdout.contains("fetched 1 entries"))
        let check = try await cli.run(["check", "--data", other, "seller", "ShopMart:Served Fake"])
        #expect(check.status == 0)
        #expect(check.stdout.contains("by brand-a: confidence 77"))
        #expect(check.stdout.contains("direct"))

        // The wrong member at that address: refused, exit 2, nothing stored.
        let wrong = try await cli.run(["sync", "--data", other, "--peer", "market-c@127.0.0.1:\(port)"])
        #expect(wrong.status == 2)
        let lastLine = wrong.stderr.split(separator: "\n").last ?? ""
        #expect(lastLine.hasPrefix("error: "))
        #expect(lastLine.contains("market-c@127.0.0.1:\(port)"))
        #expect(wrong.stderr.contains("expected member market-c at this address, the peer is brand-a"))

        #expect(node.stop() == 0)
        #expect(node.log.contains("node stopped"))
    }

    @Test(
        "a sync killed midway leaves a store that verifies, with every held entry provable, and the next sync completes it"
    )
    func killedSyncResumes() async throws {
        let cli = try CommandRunner()
        defer { cli.remove() }
        try await cli.initialize(member: "brand-a")
        let total = 40_000
        var csv = "kind,value\n"
        for i in 0..<total { csv += "sku,KILL-\(i)\n" }
        try await cli.succeed(["import", "--data", cli.data, try cli.write("many.csv", Data(csv.utf8))])
        let node = try NodeProcess(
            ["node", "--data", cli.data, "--listen", "127.0.0.1:0", "--api", "127.0.0.1:0"],
            in: cli.folder
        )
        defer { _ = node.stop() }
        let line = try await node.waitForLine(containing: "node listening")
        let port = try #require(line.split(separator: " ").first { $0.hasPrefix("federation.port=") }?.dropFirst(16))

        let other = cli.folder.appendingPathComponent("brand-b")
        let dev = CommandRunner.devCertificates.path
        try await cli.succeed([
            "init", "--data", other.path, "--member-cert", "\(dev)/brand-b/member.pem",
            "--member-key", "\(dev)/brand-b/member-key.pem", "--alliance-ca", "\(dev)/ca.pem",
            "--alliance-key", "\(dev)/alliance.key",
        ])
        // Start a sync and kill it (SIGKILL: no cleanup) as soon as part of the log is committed.
        let sync = try ChildProcess(
            CommandRunner.executable.path,
            ["sync", "--data", other.path, "--peer", "brand-a@127.0.0.1:\(port)"]
        )
        let database = try DatabaseQueue(path: other.appendingPathComponent("hallmark.sqlite").path)
        var held = 0
        while sync.isRunning {
            held = try await database.read { db in
                try Int.fetchOne(db, sql: "SELECT COALESCE(SUM(count), 0) FROM log_segments") ?? 0
            }
            if held > 0 { break }
            try await Task.sleep(for: .milliseconds(5))
        }
        sync.signal(SIGKILL)
        _ = sync.waitForExit()
        try database.close()
        let partial = try await cli.status(data: other.path)["entries"] as? Int ?? -1
        // Chunks commit whole: what survived is a prefix of whole chunks, or everything.
        #expect(partial >= 0 && partial <= total)
        #expect(partial == total || partial % 1024 == 0, "\(partial) entries survived")

        // Before the sync resumes, what survived is provable: the store verifies, and the first and last entries
        // held are listed, audit with verified proofs, and give evidence bundles that verify.
        let verified = try await cli.run(["audit", "verify-store", "--data", other.path])
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
        for index in Set([0, max(partial - 1, 0)]) where partial > 0 {
            let check = try await cli.run(["check", "--data", other.path, "sku", "KILL-\(index)"])
            #expect(check.status == 0, "\(check.stdout)")
            let audit = try await cli.run(["audit", "--data", other.path, "sku", "KILL-\(index)"])
            #expect(audit.status == 0, "\(audit.stdout)\(audit.stderr)")
            #expect(!audit.stdout.contains("FAILED"), "\(audit.stdout)")
            let bundle = cli.folder.appendingPathComponent("evidence-\(index).json").path
            try await cli.succeed(["audit", "evidence", "--data", other.path, "sku", "KILL-\(index)", "--out", bundle])
            let accepted = try await cli.run(["audit", "verify", bundle, "--alliance-ca", "\(dev)/ca.pem"])
            #expect(accepted.status == 0, "\(accepted.stdout)\(accepted.stderr)")
        }

        let resumed = try await cli.succeed(["sync", "--data", other.path, "--peer", "brand-a@127.0.0.1:\(port)"])
        #expect(resumed.stdout.contains("fetched \(total - partial) entries"))
        #expect(try await cli.status(data: other.path)["entries"] as? Int == total)
        let audit = try await cli.run(["audit", "--data", other.path, "sku", "kill-39999"])
        #expect(audit.status == 0, "\(audit.stdout)")
    }

    @Test("bad node settings are refused with a clear error")
    func badSettings() async throws {
        let cli = try CommandRunner()
        defer { cli.remove() }
        try await cli.initialize()
        let bad = try await cli.run(["node", "--data", cli.data, "--peer", "brand-b@nowhere"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("MEMBER@HOST:PORT"))
        let config = try cli.write("node.json", Data(#"{"listen": "127.0.0.1:7400", "peerz": []}"#.utf8))
        let unknown = try await cli.run(["node", "--data", cli.data, "--config", config])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("unknown key 'peerz'"))
        #expect(unknown.stderr.contains("node.json"))
        let idle = try cli.write("idle.json", Data(#"{"fetch_idle_timeout_seconds": 0}"#.utf8))
        let badIdle = try await cli.run(["node", "--data", cli.data, "--config", idle])
        #expect(badIdle.status == 2)
        #expect(badIdle.stderr.contains("fetch_idle_timeout_seconds: expected a whole number from 1 to 3600"))
        #expect(badIdle.stderr.contains("idle.json"))
        let rate = try cli.write("rate.json", Data(#"{"fetches_per_second_per_origin": 0}"#.utf8))
        let badRate = try await cli.run(["node", "--data", cli.data, "--config", rate])
        #expect(badRate.status == 2)
        #expect(badRate.stderr.contains("fetches_per_second_per_origin: expected a whole number from 1 to 100000"))
        let noThreads = try await cli.run(["node", "--data", cli.data, "--api-threads", "0"])
        #expect(noThreads.status == 2)
        #expect(noThreads.stderr.contains("--api-threads"), "\(noThreads.stderr)")
        #expect(noThreads.stderr.contains("expected a whole number from 1 to 256, not 0"), "\(noThreads.stderr)")
        let threads = try cli.write("threads.json", Data(#"{"api_threads": 300}"#.utf8))
        let badThreads = try await cli.run(["node", "--data", cli.data, "--config", threads])
        #expect(badThreads.status == 2)
        #expect(badThreads.stderr.contains("api_threads: expected a whole number from 1 to 256"))
    }

    @Test("a port in use is named with its address and the setting that chose it, before anything starts")
    func portInUse() async throws {
        let cli = try CommandRunner()
        defer { cli.remove() }
        try await cli.initialize(member: "brand-a")
        let (socket, port) = try Self.listeningSocket()
        defer { close(socket) }
        for (flags, setting) in [
            (["--listen", "127.0.0.1:\(port)", "--api", "127.0.0.1:0"], "--listen"),
            (["--listen", "127.0.0.1:0", "--api", "127.0.0.1:\(port)"], "--api"),
        ] {
            let run = try await cli.run(["node", "--data", cli.data] + flags)
            #expect(run.status == 2)
            let lines = run.stderr.split(separator: "\n")
            #expect(lines.count == 1, "\(run.stderr)")
            #expect(
                lines.last == """
                    error: cannot listen on 127.0.0.1:\(port), set by \(setting) (or "\(setting.dropFirst(2))" in the \
                    configuration file): the address is in use (another node or program listens there); stop it or \
                    choose another port
                    """
            )
        }
    }

    @Test("the data folder is its user's alone: 0700, its files 0600; a node warns when others can open it")
    func fileModes() async throws {
        let cli = try CommandRunner()
        defer { cli.remove() }
        // A folder made beforehand with the usual 0755: init narrows it.
        try FileManager.default.createDirectory(
            atPath: cli.data,
            withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o755]
        )
        try await cli.initialize(member: "brand-a")
        try await cli.succeed(["submit", "--data", cli.data, "sku", "MODE-1"])
        func mode(_ path: String) throws -> Int {
            try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
        }
        #expect(try mode(cli.data) == 0o700)
        let files = try FileManager.default.contentsOfDirectory(atPath: cli.data)
        #expect(files.contains("hallmark.sqlite"), "\(files)")
        for file in files {
            let path = "\(cli.data)/\(file)"
            var isFolder: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: path, isDirectory: &isFolder)
            let found = try mode(path)
            #expect(found == (isFolder.boolValue ? 0o700 : 0o600), "\(file): \(String(found, radix: 8))")
        }

        // Opened up by hand afterwards: the node says so, and how to fix it.
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: cli.data)
        let node = try NodeProcess(
            ["node", "--data", cli.data, "--listen", "127.0.0.1:0", "--api", "127.0.0.1:0"],
            in: cli.folder
        )
        defer { _ = node.stop() }
        let warning = try await node.waitForLine(containing: "other users can open the data folder")
        #expect(warning.contains("chmod 700 \(cli.data)"), "\(warning)")
    }

    @Test("a client that hangs up mid-request is no error of the node's: nothing at error level")
    func clientDisconnects() async throws {
        let cli = try CommandRunner()
        defer { cli.remove() }
        try await cli.initialize(member: "brand-a")
        // Two API threads, whatever the machine's cores: the setting is taken.
        let node = try NodeProcess(
            ["node", "--data", cli.data, "--listen", "127.0.0.1:0", "--api", "127.0.0.1:0", "--api-threads", "2"],
            in: cli.folder
        )
        defer { _ = node.stop() }
        let line = try await node.waitForLine(containing: "node listening")
        let port = try #require(
            line.split(separator: " ").first { $0.hasPrefix("api.port=") }.flatMap { Int($0.dropFirst(9)) }
        )
        // Half a request body, then the connection closed; then the same, reset.
        for reset in [false, true] {
            let socket = try LoopbackSocket.connect(port: port)
            let request = Array(
                "POST /v1/indicators HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{\"in"
                    .utf8
            )
            _ = request.withUnsafeBytes { send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            try await Task.sleep(for: .milliseconds(300))
            if reset {
                var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
                setsockopt(socket, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
            }
            close(socket)
        }
        // The node still answers, and logged nothing at error level.
        try await Task.sleep(for: .milliseconds(500))
        try await cli.succeed(["status", "--data", cli.data])
        #expect(!node.log.contains(" error "), "\(node.log)")
    }

    @Test("an import sent to a node that stops midway says how much is kept, and running it again completes it")
    func importInterrupted() async throws {
        let cli = try CommandRunner()
        defer { cli.remove() }
        try await cli.initialize(member: "brand-a")
        // The signal comes during the second chunk at the latest, so the node stops well before the last.
        let lines = 250_000  // five chunks of Member.importChunkSize
        let csv = try cli.write(
            "skus.csv",
            Data(("kind,value\n" + (0..<lines).map { "sku,STOP-\($0)\n" }.joined()).utf8)
        )
        let node = try NodeProcess(
            ["node", "--data", cli.data, "--listen", "127.0.0.1:0", "--api", "127.0.0.1:0"],
            in: cli.folder
        )
        defer { _ = node.stop() }
        _ = try await node.waitForLine(containing: "node listening")
        let importing = try NodeProcess(
            program: CommandRunner.executable,
            ["import", "--data", cli.data, csv],
            in: cli.folder,
            collectOutput: true
        )
        // SIGTERM once the node appended the first chunk.
        _ = try await node.waitForLine(containing: "appended to own log")
        #expect(node.stop() == 0)
        let status = try await importing.waitForExit(timeout: .seconds(120))
        #expect(status == 2, "\(importing.log)")
        let error = try #require(importing.log.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).last)
        // The node finishes the chunk under way, stops before the next and says so (a graceful shutdown does not cut
        // the request short).
        #expect(error.hasPrefix("error: \(csv): the node is shutting down and stopped the import"), "\(error)")
        #expect(
            error.contains(" of \(lines) indicators were committed and are kept; run the same import again"),
            "\(error)"
        )

        // Again, now on the store directly: what was kept counts as unchanged, the rest is appended.
        let again = try await cli.succeed(["import", "--data", cli.data, csv])
        #expect(again.stdout.contains("unchanged (log size \(lines))"), "\(again.stdout)")
        #expect(!again.stdout.contains(" 0 unchanged"), "\(again.stdout)")
    }

    @Test("a node warns at start when the API's certificate does not name the address it serves, and not otherwise")
    func apiCertificateNames() async throws {
        let cli = try CommandRunner()
        defer { cli.remove() }
        try await cli.initialize(member: "brand-a")
        let dev = CommandRunner.devCertificates.path
        let tls = [
            "--api-tls-certificate", "\(dev)/brand-a/member.pem", "--api-tls-key", "\(dev)/brand-a/member-key.pem",
        ]
        // The development certificate names localhost, 127.0.0.1 and ::1.
        for (address, warns) in [("127.0.0.2", true), ("127.0.0.1", false)] {
            let node = try NodeProcess(
                ["node", "--data", cli.data, "--listen", "127.0.0.1:0", "--api", "\(address):0"] + tls,
                in: cli.folder
            )
            _ = try await node.waitForLine(containing: "node listening")
            #expect(node.stop() == 0)
            let warning = node.log.split(separator: "\n").first { $0.contains("certificate does not name the address") }
            #expect((warning != nil) == warns, "\(address): \(node.log)")
            if let warning {
                #expect(warning.contains("certificate.names=localhost,127.0.0.1,"), "\(warning)")
                #expect(warning.contains("serve a certificate naming 127.0.0.2"), "\(warning)")
            }
        }
    }

    @Test("sync beside a running node runs in it: what it fetched is listed at the node at once")
    func syncThroughNode() async throws {
        let cli = try CommandRunner()
        defer { cli.remove() }
        try await cli.initialize(member: "brand-a")
        try await cli.succeed(["submit", "--data", cli.data, "seller", "shopmart:beside the node"])
        let servingA = try NodeProcess(
            ["node", "--data", cli.data, "--listen", "127.0.0.1:0", "--api", "127.0.0.1:0"],
            in: cli.folder
        )
        defer { _ = servingA.stop() }
        let line = try await servingA.waitForLine(containing: "node listening")
        let port = try #require(line.split(separator: " ").first { $0.hasPrefix("federation.port=") }?.dropFirst(16))

        let b = cli.folder.appendingPathComponent("brand-b").path
        try await cli.initialize(member: "brand-b", data: b)
        let nodeB = try NodeProcess(
            ["node", "--data", b, "--listen", "127.0.0.1:0", "--api", "127.0.0.1:0"],
            in: cli.folder
        )
        defer { _ = nodeB.stop() }
        _ = try await nodeB.waitForLine(containing: "node listening")

        let sync = try await cli.run(
            ["sync", "--data", b, "--peer", "brand-a@127.0.0.1:\(port)"],
            environment: ["HALLMARK_LOG_LEVEL": "info"]
        )
        #expect(sync.status == 0, "\(sync.stderr)")
        #expect(
            sync.stdout.hasPrefix("fetched 1 entries from brand-a@127.0.0.1:\(port)\n  brand-a: 1\n"),
            "\(sync.stdout)"
        )
        #expect(sync.stderr.contains("going through the running node's control socket"), "\(sync.stderr)")
        // At once, through node b (its filter has it: no wait for it to notice another process's writes).
        let check = try await cli.run(["check", "--data", b, "seller", "shopmart:beside the node"])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        // Again, as JSON: nothing more to fetch.
        let again = try await cli.succeed(["sync", "--data", b, "--json", "--peer", "brand-a@127.0.0.1:\(port)"])
        let document = try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any]
        #expect(document?["peer"] as? String == "brand-a@127.0.0.1:\(port)", "\(again.stdout)")
        #expect((document?["fetched"] as? [Any])?.isEmpty == true && document?["batches"] as? Int == 0)

        // A peer that is not there: an error naming it, exit 2, and node b keeps running.
        let unreachable = try await cli.run(["sync", "--data", b, "--peer", "market-c@127.0.0.1:9"])
        #expect(unreachable.status == 2)
        #expect(unreachable.stderr.contains("market-c@127.0.0.1:9"), "\(unreachable.stderr)")
        #expect(nodeB.process.isRunning)
    }

    @Test("access_log: one line a request with the route's pattern, never the identifier; none without it")
    func accessLog() async throws {
        let cli = try CommandRunner()
        defer { cli.remove() }
        try await cli.initialize(member: "brand-a")
        for enabled in [true, false] {
            let config = try cli.write("access-\(enabled).json", Data(#"{"access_log": \#(enabled)}"#.utf8))
            let node = try NodeProcess(
                ["node", "--data", cli.data, "--config", config, "--listen", "127.0.0.1:0", "--api", "127.0.0.1:0"],
                in: cli.folder
            )
            _ = try await node.waitForLine(containing: "node listening")
            let check = try await cli.run(["check", "--data", cli.data, "sku", "SECRET-SKU-1"])
            #expect(check.status == 1)
            #expect(node.stop() == 0)
            let lines = node.log.split(separator: "\n").filter { $0.contains("] request") }
            if enabled {
                #expect(
                    lines.contains {
                        $0.contains("http.route=/v1/check ") && $0.contains("http.status=200")
                            && $0.contains("http.method=POST") && $0.contains("http.duration_ms=")
                    },
                    "\(node.log)"
                )
            } else {
                #expect(lines.isEmpty, "\(lines)")
            }
            #expect(!node.log.contains("SECRET-SKU-1"))
        }
        let bad = try cli.write("bad.json", Data(#"{"access_log": "yes"}"#.utf8))
        let refused = try await cli.run(["node", "--data", cli.data, "--config", bad])
        #expect(
            refused.status == 2 && refused.stderr.contains("access_log: expected true or false"),
            "\(refused.stderr)"
        )
    }

    /// A TCP socket listening on a free loopback port, and the port.
    static func listeningSocket() throws -> (Int32, Int) {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socket, $0, length) == 0 && listen(socket, 1) == 0 && getsockname(socket, $0, &length) == 0
            }
        }
        try #require(socket >= 0 && bound, "cannot listen on loopback: errno \(errno)")
        return (socket, Int(UInt16(bigEndian: address.sin_port)))
    }

    @Test("the demo shows an indicator travel the line and a retraction follow")
    func demo() async throws {
        let cli = try CommandRunner()
        defer { cli.remove() }
        let result = try await cli.run([
            "demo", "--certificates", CommandRunner.devCertificates.path, "--indicators", "200",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("market-c lists it, received through brand-b"))
        #expect(result.stdout.contains("LISTED by brand-a"))
        #expect(result.stdout.contains("inclusion proof verified, signature verified; received from brand-b"))
        #expect(result.stdout.contains("market-c no longer lists it"))
        #expect(result.stdout.contains("Demo complete"))
    }
}
