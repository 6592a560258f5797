import Foundation
import GRDB
import HallmarkCore
import HallmarkMember
import HallmarkTestSupport
import Testing

/// `hallmark audit evidence`, `audit verify` and `audit verify-store`, run as a person would.
@Suite("audit evidence, verify and verify-store on the command line")
struct AuditEvidenceCommandTests {
    @Test("write a bundle, verify it (0), an altered one (1), an unreadable one (2); verify-store before and after")
    func evidenceAndVerification() async throws {
        let cli = try CommandRunner()
        defer { cli.remove() }
        try await cli.initialize()
        try await cli.succeed(["submit", "--data", cli.data, "sku", "EVIDENCE-1", "--note", "seized 3 units"])
        try await cli.receiveLog(
            of: "brand-b",
            asserting: [Submission(identifier: try Identifier(kind: .sku, value: "EVIDENCE-1"), confidence: 70)]
        )
        let bundle = cli.folder.appendingPathComponent("bundle.json").path
        let made = try await cli.succeed([
            "audit", "evidence", "--data", cli.data, "sku", "evidence-1", "--out", bundle,
        ])
        #expect(made.stdout.contains("2 entries about sku 'evidence1' from brand-a, brand-b"))
        #expect(
            try await cli.run(["audit", "evidence", "--data", cli.data, "sku", "evidence-1", "--out", bundle]).status
                == 2
        )
        // The existing form still works beside the subcommands.
        #expect(try await cli.run(["audit", "--data", cli.data, "sku", "evidence-1"]).status == 0)

        let ca = CommandRunner.devCertificates.appendingPathComponent("ca.pem").path
        let valid = try await cli.run(["audit", "verify", bundle, "--alliance-ca", ca])
        #expect(valid.status == 0, "\(valid.stdout)\(valid.stderr)")
        #expect(valid.stdout.contains("VERDICT: VALID."))
        #expect(valid.stdout.contains("brand-a asserted this sku"))

        var json = try String(contentsOfFile: bundle, encoding: .utf8)
        json = json.replacingOccurrences(of: "\"confidence\" : 70", with: "\"confidence\" : 90")
        let altered = try cli.write("altered.json", Data(json.utf8))
        let invalid = try await cli.run(["audit", "verify", altered, "--alliance-ca", ca])
        #expect(invalid.status == 1, "\(invalid.stdout)\(invalid.stderr)")
        #expect(invalid.stdout.contains("VERDICT: INVALID. Check 'claim' failed for brand-b#0"))
        #expect(invalid.stdout.contains("confidence"))

        let truncated = try cli.write("truncated.json", Data(json.utf8).prefix(300))
        let unreadable = try await cli.run(["audit", "verify", truncated, "--alliance-ca", ca])
        #expect(unreadable.status == 2)
        #expect(unreadable.stdout.contains("VERDICT: UNREADABLE."))
        #expect(unreadable.stderr.contains("not valid JSON"))
        #expect(!unreadable.stderr.contains("Fatal"))

        let clean = try await cli.run(["audit", "verify-store", "--data", cli.data])
        #expect(clean.status == 0, "\(clean.stdout)\(clean.stderr)")
        #expect(clean.stdout.contains("brand-a: 1 entries, 1 checkpoints: verified"))
        try await StoreTampering.alterEntries(ofStoreAt: cli.data + "/hallmark.sqlite", origin: "brand-b") {
            index,
            bytes in
            index == 0 ? bytes + [0] : bytes
        }
        let problem = try await cli.run(["audit", "verify-store", "--data", cli.data])
        #expect(problem.status == 1)
        #expect(problem.stdout.contains("brand-b: 0 entries, 0 checkpoints checked: PROBLEM at entry 0"))
        #expect(problem.stdout.contains("brand-a: 1 entries, 1 checkpoints: verified"))
    }
}
