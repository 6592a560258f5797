import Foundation
import HallmarkCore
import HallmarkMember
import HallmarkReports
import Testing

/// `hallmark audit report`, run as a person would.
@Suite("audit report on the command line")
struct AuditReportCommandTests {
    @Test("text, JSON, CSV and an HTML file; --force to overwrite; --since")
    func formats() async throws {
        let cli = try CommandRunner()
        defer { cli.remove() }
        try await cli.initialize()
        try await cli.succeed(["submit", "--data", cli.data, "sku", "REPORT-1"])
        try await cli.succeed(["submit", "--data", cli.data, "seller", "shopmart:report seller"])
        try await cli.receiveLog(
            of: "brand-b",
            asserting: [Submission(identifier: try Identifier(kind: .sku, value: "REPORT-2"))]
        )

        let text = try await cli.succeed(["audit", "report", "--data", cli.data])
        #expect(text.stdout.contains("Contribution report of the logs held by brand-a's node"))
        #expect(text.stdout.contains("Period: every entry held"))
        #expect(text.stdout.split(separator: "\n").contains { $0.hasPrefix("brand-b ") && $0.hasSuffix("0.0 %") })

        let json = try await cli.succeed(["audit", "report", "--data", cli.data, "--format", "json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let members = try #require(object["members"] as? [[String: Any]])
        #expect(members.compactMap { $0["member"] as? String } == ["brand-a", "brand-b"])
        #expect((object["totals"] as? [String: Any])?["assertions"] as? Int == 3)

        let csv = try await cli.succeed(["audit", "report", "--data", cli.data, "--format", "csv"])
        let lines = csv.stdout.split(separator: "\r\n")
        #expect(lines.first == Substring(ContributionReport.csvColumns.joined(separator: ",")))
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix("brand-a,") || $0.hasPrefix("brand-b,") })

        let file = cli.folder.appendingPathComponent("report.html").path
        let html = try await cli.succeed(["audit", "report", "--data", cli.data, "--format", "html", "--out", file])
        #expect(html.stdout.isEmpty)
        #expect(html.stderr.contains("wrote \(file): html report of 2 members"))
        let page = try String(contentsOfFile: file, encoding: .utf8)
        #expect(page.hasPrefix("<!DOCTYPE html>"))
        #expect(page.components(separatedBy: "<svg ").count - 1 == 4)
        let again = try await cli.run(["audit", "report", "--data", cli.data, "--format", "html", "--out", file])
        #expect(again.status == 2)
        try await cli.succeed(["audit", "report", "--data", cli.data, "--format", "html", "--out", file, "--force"])

        let recent = try await cli.succeed(["audit", "report", "--data", cli.data, "--since", "1d", "--format", "json"])
        let recentObject = try #require(
            try JSONSerialization.jsonObject(with: Data(recent.stdout.utf8)) as? [String: Any]
        )
        #expect(recentObject["since"] is String)
        #expect((recentObject["totals"] as? [String: Any])?["assertions"] as? Int == 3)
    }

    @Test("a bad --since or --format is refused with a message naming it, before the store is opened")
    func badInput() async throws {
        let cli = try CommandRunner()
        defer { cli.remove() }
        try await cli.initialize()
        let bad = try await cli.run(["audit", "report", "--data", cli.data, "--since", "last tuesday"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("error: --since 'last tuesday' is neither a duration"))
        let future = try await cli.run(["audit", "report", "--data", cli.data, "--since", "2999-01-01"])
        #expect(future.status == 2)
        #expect(future.stderr.contains("--since '2999-01-01' is in the future"))
        let format = try await cli.run(["audit", "report", "--data", cli.data, "--format", "pdf"])
        #expect(format.status == 2)
        #expect(format.stderr.contains("--format"))
        let missing = try await cli.run([
            "audit", "report", "--data", cli.folder.appendingPathComponent("nowhere").path,
        ])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("not a Hallmark data folder"))
    }
}
