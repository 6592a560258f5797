import Foundation
import HallmarkTestSupport
import Testing

/// One node per data folder, held by an OS lock on a file in it rather than by the control socket file.
@Suite("one node per data folder")
struct DataFolderLockTests {
    @Test("a second node is refused even with the control socket deleted; after a SIGKILL the lock is free again")
    func secondNodeRefused() async throws {
        let cli = try CommandRunner()
        defer { cli.remove() }
        try await cli.initialize(member: "brand-a")
        let (first, _) = try await ControlSocketTests.startNode(on: cli.data, in: cli)
        defer { _ = first.stop() }
        // A /tmp cleaner or an operator removes the socket: the socket is not the guard.
        try FileManager.default.removeItem(atPath: cli.data + "/node.sock")

        let second = try await cli.run(["node", "--data", cli.data, "--listen", "127.0.0.1:0", "--api", "127.0.0.1:0"])
        #expect(second.status != 0)
        #expect(
            second.stderr.contains(
                "another node runs on this data folder (process \(first.process.identifier))"
            ),
            "\(second.stderr)"
        )
        #expect(first.process.isRunning, "the first node keeps running: \(first.log)")

        // A node that dies without a word (SIGKILL) leaves no lock behind.
        first.process.signal(SIGKILL)
        _ = first.process.waitForExit()
        let (third, _) = try await ControlSocketTests.startNode(on: cli.data, in: cli)
        #expect(third.stop() == 0, "\(third.log)")
    }
}
