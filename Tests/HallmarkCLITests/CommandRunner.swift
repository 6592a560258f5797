import Foundation
import HallmarkCore
import HallmarkMember
import HallmarkRecords
import HallmarkStore
import HallmarkTestSupport
import Logging
import Testing

/// Runs the built `hallmark` executable in a temporary folder, as a person would from a shell.
struct CommandRunner {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The development alliance.
    static let devCertificates = DevelopmentAlliance.folder

    /// The `hallmark` executable beside the test bundle in the build folder.
    static let executable: URL = {
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = testBinary.deletingLastPathComponent()
        // The test binary may sit inside a bundle folder (…/debug/HallmarkPackageTests.xctest).
        while !FileManager.default.fileExists(atPath: folder.appendingPathComponent("hallmark").path),
            folder.path != "/"
        {
            folder.deleteLastPathComponent()
        }
        return folder.appendingPathComponent("hallmark")
    }()

    /// A fresh temporary folder for one test.
    let folder: URL

    init() throws {
        folder = DevelopmentAlliance.temporaryFolder("hallmark-cli")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    /// The data folder the tests use.
    var data: String { folder.appendingPathComponent("data").path }

    /// Runs `hallmark` with `arguments`, waiting on a thread of its own.
    @discardableResult
    func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> Result {
        var env = ProcessInfo.processInfo.environment
        env["HALLMARK_DATA"] = nil
        for (key, value) in environment { env[key] = value }
        await CommandSlots.shared.acquire()
        let outcome: Swift.Result<ChildProcess.Outcome, any Error>
        do {
            outcome = .success(
                try await ChildProcess.onThreadOfItsOwn { [folder, env] in
                    try ChildProcess.run(Self.executable.path, arguments, directory: folder.path, environment: env)
                }
            )
        } catch {
            outcome = .failure(error)
        }
        await CommandSlots.shared.release()
        let ran = try outcome.get()
        return Result(status: ran.status, stdout: ran.output, stderr: ran.error)
    }

    /// Runs `hallmark` with `--data` set, expecting success.
    @discardableResult
    func succeed(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) async throws -> Result {
        let result = try await run(arguments)
        #expect(
            result.status == 0,
            "hallmark \(arguments.joined(separator: " ")): \(result.stderr)",
            sourceLocation: sourceLocation
        )
        return result
    }

    /// `hallmark init` for a development member, in the test's data folder unless `data` is given.
    func initialize(member: String = "brand-a", data: String? = nil) async throws {
        let dev = Self.devCertificates.path
        try await succeed([
            "init", "--data", data ?? self.data,
            "--member-cert", "\(dev)/\(member)/member.pem", "--member-key", "\(dev)/\(member)/member-key.pem",
            "--alliance-ca", "\(dev)/ca.pem", "--alliance-key", "\(dev)/alliance.key",
        ])
    }

    /// Writes a file into the test's folder and returns its path.
    func write(_ name: String, _ contents: some DataProtocol) throws -> String {
        let url = folder.appendingPathComponent(name)
        try Data(contents).write(to: url)
        return url.path
    }

    /// The JSON `status` of the store, parsed.
    func status(data: String? = nil) async throws -> [String: Any] {
        let result = try await succeed(["status", "--data", data ?? self.data, "--json"])
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] ?? [:]
    }

    /// Puts into this test's store the log of another development member that asserted `submissions`,
    /// verified as a received batch.
    func receiveLog(of member: String, asserting submissions: [Submission]) async throws {
        let peer = try await DevelopmentAlliance.makeNode(member, in: folder.appendingPathComponent("peer-\(member)"))
        try await peer.submit(submissions)
        let node = try await Member.open(dataDirectory: URL(fileURLWithPath: data), logger: Logger(label: "test"))
        try await DevelopmentAlliance.relay(logOf: peer.identity.member, from: peer, to: node)
        try await node.close()
    }

    func remove() {
        try? FileManager.default.removeItem(at: folder)
    }
}

/// How many `hallmark` commands the tests run at once: as many as the machine has cores. Tests run side by side,
/// and without a bound dozens of commands would share two cores, slowing the nodes other tests time.
private actor CommandSlots {
    static let shared = CommandSlots(count: max(2, ProcessInfo.processInfo.activeProcessorCount))

    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(count: Int) { free = count }

    func acquire() async {
        if free > 0 {
            free -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty {
            free += 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}
