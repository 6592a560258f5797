import Foundation
import HallmarkTestSupport

/// The openssl command-line tool, used to check that what Hallmark writes is what other TLS stacks expect.
enum OpenSSL {
    static let path = "/usr/bin/openssl"

    static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: path) }

    /// Whether tests run under continuous integration, where a missing openssl is a failure, not a skip.
    static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] != nil }

    /// Whether the openssl tests should run: when openssl is installed, and always under CI (where they then fail).
    /// Prints a note when they are skipped, so the skip is visible in the test log.
    static var testsShouldRun: Bool {
        if isAvailable || isCI { return true }
        print(
            "note: skipping the openssl interoperability tests: \(path) is not installed (with CI set they fail instead)"
        )
        return false
    }

    /// Runs openssl and returns its exit status and its standard output and error, interleaved.
    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let ran = try ChildProcess.run(path, arguments, mergingError: true)
        return (ran.status, ran.output)
    }
}
