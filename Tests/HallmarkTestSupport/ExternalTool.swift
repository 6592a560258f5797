import Foundation

/// An outside program some tests need (openssl, python3 with packages, wrk), and whether it is ready to use.
///
/// On a developer's machine a test needing a missing tool is skipped with a printed note; when the environment
/// variable `CI` is set it runs, and `require()` fails it.
public struct ExternalTool: Sendable {
    /// The exit status and the interleaved standard output and error of a finished program.
    public struct Run: Sendable {
        public var status: Int32
        public var output: String
    }

    /// The tool is missing where it is required (under `CI`).
    public struct Missing: Error, CustomStringConvertible {
        public let description: String
    }

    /// The openssl command-line tool.
    public static let openssl = ExternalTool(
        name: "openssl",
        install: "apt-get install openssl",
        probe: ("openssl", ["version"])
    )
    /// python3 with the packages of `Tests/interop/requirements.txt` that the gRPC interoperability client needs.
    public static let pythonGRPC = ExternalTool(
        name: "python3 with grpcio, grpcio-tools and cryptography",
        install: "python3 -m pip install -r Tests/interop/requirements.txt",
        probe: ("python3", ["-c", "import grpc, grpc_tools.protoc, cryptography.x509"])
    )
    /// python3 with cryptography, for the independent evidence verifier.
    public static let pythonCryptography = ExternalTool(
        name: "python3 with cryptography",
        install: "python3 -m pip install -r Tests/interop/requirements.txt",
        probe: ("python3", ["-c", "import cryptography.x509"])
    )
    /// python3 with prometheus_client, whose parser reads the node's `/metrics` as Prometheus would.
    public static let pythonPrometheus = ExternalTool(
        name: "python3 with prometheus_client",
        install: "python3 -m pip install -r Tests/interop/requirements.txt",
        probe: ("python3", ["-c", "import prometheus_client.parser"])
    )
    /// python3 with Meta's PDQ reference (`pdqhash`), Pillow and scikit-image's sample photographs, for the image
    /// hashing tests.
    public static let pythonPDQ = ExternalTool(
        name: "python3 with pdqhash, pillow and scikit-image",
        install: "python3 -m pip install -r Tests/interop/requirements.txt",
        probe: ("python3", ["-c", "import pdqhash, PIL.Image, skimage.data"])
    )
    /// python3 alone, for the scripts that use only its standard library.
    public static let python = ExternalTool(
        name: "python3",
        install: "apt-get install python3",
        probe: ("python3", ["-c", "import socket, selectors"])
    )
    /// systemd-analyze, which checks unit files.
    public static let systemdAnalyze = ExternalTool(
        name: "systemd-analyze",
        install: "apt-get install systemd",
        probe: ("systemd-analyze", ["--version"])
    )
    /// wrk, the HTTP load generator.
    public static let wrk = ExternalTool(
        name: "wrk",
        install: "apt-get install wrk",
        probe: ("wrk", ["-v"]),
        // `wrk -v` prints its version and exits 1.
        acceptsStatus: [0, 1]
    )

    public let name: String
    public let install: String
    public let isAvailable: Bool

    /// A tool that is available when `probe` (a program on `PATH` and its arguments) exits with one of
    /// `acceptsStatus`.
    public init(name: String, install: String, probe: (String, [String]), acceptsStatus: Set<Int32> = [0]) {
        self.name = name
        self.install = install
        let status = try? Self.runBlocking(probe.0, probe.1, timeout: 60).status
        self.isAvailable = status.map(acceptsStatus.contains) ?? false
    }

    /// Whether tests needing this tool should run: when it is available, and always under CI (where they then
    /// fail). Prints a note when they are skipped, so that the skip shows in the test log.
    public var shouldRun: Bool {
        if isAvailable || Self.isCI { return true }
        print("note: skipping a test that needs \(name), which is missing (\(install); with CI set it fails)")
        return false
    }

    /// Throws when the tool is missing (under CI, where the test was not skipped).
    public func require() throws {
        guard isAvailable else { throw Missing(description: "\(name) must be installed when CI is set: \(install)") }
    }

    /// Whether tests run under continuous integration, where a missing tool is a failure, not a skip.
    public static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] != nil }

    /// Runs `program` (looked up on `PATH`) in the repository's root on a thread of its own, so that waiting for it
    /// never holds one of the few threads that also serve the node under test; ends it after `timeout` seconds.
    public static func run(_ program: String, _ arguments: [String], timeout: Int = 120) async throws -> Run {
        try await ChildProcess.onThreadOfItsOwn { try runBlocking(program, arguments, timeout: timeout) }
    }

    /// ``run(_:_:timeout:)`` on the calling thread.
    public static func runBlocking(_ program: String, _ arguments: [String], timeout: Int) throws -> Run {
        let ran = try ChildProcess.run(
            "/usr/bin/env",
            [program] + arguments,
            directory: DevelopmentAlliance.repositoryRoot.path,
            mergingError: true,
            timeout: timeout
        )
        return Run(status: ran.status, output: ran.output)
    }
}
