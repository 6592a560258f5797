import Foundation
import HallmarkCore
import HallmarkMember
import HallmarkTestSupport
import Testing

/// `hallmark export stix` checked by the OASIS tools: stix2-validator accepts the bundle, the stix2 library parses it.
@Suite("hallmark export stix")
struct STIXExportTests {
    static let tools = ExternalTool(
        name: "python3 with stix2-validator and stix2",
        install: "python3 -m pip install -r Tests/interop/requirements.txt",
        probe: ("python3", ["-c", "import stix2, stix2validator"])
    )

    @Test("every kind, a retraction and a dispute: valid STIX 2.1, parsed by stix2, the same ids twice")
    func validBundle() async throws {
        guard Self.tools.shouldRun else { return }
        try Self.tools.require()
        let cli = try CommandRunner()
        defer { cli.remove() }
        try await cli.initialize()
        try await cli.succeed(["submit", "--data", cli.data, "seller", "ShopMart:Fake Bags", "--note", "seen twice"])
        try await cli.succeed(["submit", "--data", cli.data, "sku", "LV-M40990", "--expires", "30d"])
        try await cli.succeed(["submit", "--data", cli.data, "url", "https://market.example/item/42"])
        try await cli.succeed([
            "submit", "--data", cli.data, "image-pdq", String(repeating: "5a", count: 32), "--quality", "80",
        ])
        try await cli.succeed(["retract", "--data", cli.data, "sku", "LV-M40990"])
        let other = try Identifier(kind: .seller, value: "shopmart:other seller")
        try await cli.receiveLog(of: "brand-b", asserting: [Submission(identifier: other)])
        try await cli.succeed([
            "dispute", "--data", cli.data, "seller", "shopmart:other seller", "--origin", "brand-b", "--reason",
            "authorized-reseller",
        ])

        let first = cli.folder.appendingPathComponent("first.json").path
        let second = cli.folder.appendingPathComponent("second.json").path
        try await cli.succeed(["export", "stix", "--data", cli.data, "--out", first, "--include-values"])
        try await cli.succeed(["export", "stix", "--data", cli.data, "--out", second])

        // The validator's best-practice check 103 asks for random (v4) ids; these are deterministic (v5) by design.
        let validate = """
            import sys
            from stix2validator import ValidationOptions, print_results, validate_file
            results = validate_file(sys.argv[1], ValidationOptions(disabled=["103"]))
            print_results(results)
            warnings = sum(len(result.warnings) for result in results.object_results)
            print("valid" if results.is_valid else "invalid", warnings, "warnings")
            sys.exit(0 if results.is_valid and warnings == 0 else 1)
            """
        let validated = try await ExternalTool.run("python3", ["-c", validate, first], timeout: 300)
        #expect(validated.status == 0, "\(validated.output)")
        #expect(validated.output.contains("valid 0 warnings"))
        let script = """
            import json, stix2, sys
            bundle = stix2.parse(open(sys.argv[1]).read(), allow_custom=True)
            print(json.dumps(sorted(o.type + " " + str(getattr(o, "revoked", False)) for o in bundle.objects)))
            """
        let parsed = try await ExternalTool.run("python3", ["-c", script, first])
        #expect(parsed.status == 0, "\(parsed.output)")
        #expect(parsed.output.contains("indicator True"), "the retraction is a revoked indicator")
        #expect(parsed.output.contains("opinion False"))

        func objects(_ path: String) throws -> [[String: Any]] {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            let bundle = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            return try #require(bundle["objects"] as? [[String: Any]])
        }
        let ids = try objects(first).compactMap { $0["id"] as? String }
        #expect(ids == (try objects(second).compactMap { $0["id"] as? String }))
        #expect(ids.filter { $0.hasPrefix("indicator--") }.count == 5)
        // Raw values only for this member's own submissions, and only when asked for.
        let text = try String(contentsOfFile: first, encoding: .utf8)
        #expect(text.contains("shopmart:fake bags"))
        #expect(!text.contains("shopmart:other seller"))
        #expect(!(try String(contentsOfFile: second, encoding: .utf8)).contains("shopmart:fake bags"))
    }
}
