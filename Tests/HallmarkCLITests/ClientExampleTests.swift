import Foundation
import HallmarkTestSupport
import Testing

/// The client examples of `examples/clients/` (Python and Swift), run as a listing pipeline would run them against a
/// node: the listed identifiers are printed with who lists them, the exit status says whether anything is listed, and
/// a bad identifier is an error naming it.
@Suite("the client examples check listings against a running node")
struct ClientExampleTests {
    @Test(
        "the Python and the Swift example agree with the node",
        .enabled(if: ExternalTool.python.shouldRun, "python3 is missing")
    )
    func examples() async throws {
        try ExternalTool.python.require()
        let cli = try CommandRunner()
        defer { cli.remove() }
        try await cli.initialize(member: "brand-a")
        try await cli.succeed([
            "submit", "--data", cli.data, "seller", "shopmart:fake outlet", "--confidence", "80", "--reason",
            "counterfeit",
        ])
        let node = try NodeProcess(serving: cli.data, in: cli.folder)
        defer { _ = node.stop() }
        let port = try await node.apiPort()
        let api = "http://127.0.0.1:\(port)"
        let listings = try cli.write("listings.txt", Data("seller shopmart:fake outlet\nsku CLEAN-1\n# done\n".utf8))
        let badListings = try cli.write("bad.txt", Data("colour red\n".utf8))

        let python = DevelopmentAlliance.repositoryRoot.appendingPathComponent("examples/clients/check_listings.py")
        let built = CommandRunner.executable.deletingLastPathComponent()
        let swift = built.appendingPathComponent("check-listings-example")
        let runs: [(String, [String])] = [("python3", [python.path]), (swift.path, [])]
        for (program, prefix) in runs {
            let listed = try await ExternalTool.run(program, prefix + ["--node", api, listings])
            #expect(listed.status == 1, "\(program): \(listed.output)")
            #expect(
                listed.output.contains("LISTED seller shopmart:fake outlet: brand-a (confidence 80, counterfeit)"),
                "\(program): \(listed.output)"
            )
            #expect(listed.output.contains("2 checked, 1 listed"), "\(program): \(listed.output)")
            #expect(!listed.output.contains("CLEAN-1"))

            let bad = try await ExternalTool.run(program, prefix + ["--node", api, badListings])
            #expect(bad.status == 2, "\(program): \(bad.output)")
            #expect(bad.output.contains("unknown indicator kind 'colour'"), "\(program): \(bad.output)")
        }
    }
}
