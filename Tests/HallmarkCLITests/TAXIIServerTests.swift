import Foundation
import HallmarkTestSupport
import Testing

/// The node's read-only TAXII 2.1 server, read by the OASIS client `taxii2-client`.
@Suite("TAXII 2.1 server under /taxii2/")
struct TAXIIServerTests {
    static let client = ExternalTool(
        name: "python3 with taxii2-client",
        install: "python3 -m pip install -r Tests/interop/requirements.txt",
        probe: ("python3", ["-c", "import taxii2client"])
    )

    /// Sellers imported in one go: stored under one checkpoint, they share one date added.
    static let sellers = 25_000

    @Test("taxii2-client lists the collections and pages through 25 000 indicators of one timestamp, each once")
    func pagesExactly() async throws {
        guard Self.client.shouldRun else { return }
        try Self.client.require()
        let cli = try CommandRunner()
        defer { cli.remove() }
        try await cli.initialize()
        let csv = "kind,value\n" + (0..<Self.sellers).map { "seller,shopmart:taxii \($0)\n" }.joined()
        try await cli.succeed(["import", "--data", cli.data, try cli.write("sellers.csv", Data(csv.utf8))])
        try await cli.succeed(["submit", "--data", cli.data, "sku", "TAXII-1"])
        try await cli.succeed(["submit", "--data", cli.data, "url", "https://taxii.example/item"])
        try await cli.succeed(["retract", "--data", cli.data, "url", "https://taxii.example/item"])
        let node = try NodeProcess(serving: cli.data, in: cli.folder)
        defer { _ = node.stop() }
        let port = try await node.apiPort()

        let script = DevelopmentAlliance.repositoryRoot.appendingPathComponent("Tests/interop/taxii_client.py").path
        let run = try await ExternalTool.run(
            "python3",
            [script, "http://127.0.0.1:\(port)/taxii2/", "1000"],
            timeout: 600
        )
        try #require(run.status == 0, "\(run.output.suffix(3_000))")
        let jsonLine = try #require(run.output.split(separator: "\n").last)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(jsonLine.utf8)) as? [String: Any])
        #expect(report["plain_json_accept"] as? Int == 406)
        let collections = try #require(report["collections"] as? [String: [String: Any]])
        #expect(
            Set(collections.keys)
                == ["indicators", "seller indicators", "sku indicators", "url indicators", "image-pdq indicators"]
        )
        let sellers = try #require(collections["seller indicators"])
        #expect(sellers["objects"] as? Int == Self.sellers)
        #expect(sellers["distinct"] as? Int == Self.sellers, "an indicator given twice, or one skipped")
        #expect(sellers["pages"] as? Int == Self.sellers / 1000)
        #expect(sellers["manifest_distinct"] as? Int == Self.sellers)
        #expect(sellers["can_read"] as? Bool == true && sellers["can_write"] as? Bool == false)
        #expect(sellers["content_type"] as? String == "application/taxii+json;version=2.1")
        #expect(sellers["date_headers"] as? [String] == ["X-TAXII-Date-Added-First", "X-TAXII-Date-Added-Last"])
        // Every kind: the sellers, the SKU and the retracted URL (a revoked indicator).
        #expect(collections["indicators"]?["distinct"] as? Int == Self.sellers + 2)
        #expect(collections["image-pdq indicators"]?["objects"] as? Int == 0)
    }
}
