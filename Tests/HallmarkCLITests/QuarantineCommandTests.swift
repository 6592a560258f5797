import Foundation
import HallmarkCore
import HallmarkMember
import HallmarkTestSupport
import Logging
import Testing

/// `hallmark quarantine clear MEMBER`, run as an operator would, with and without a running node.
@Suite("quarantine clear on the command line")
struct QuarantineCommandTests {
    @Test("an operator clears a quarantine: recorded with its note, shown by audit origin; a second clear is refused")
    func clearsAndRecords() async throws {
        let cli = try CommandRunner()
        defer { cli.remove() }
        try await cli.initialize(member: "brand-b")
        let fork = try await ForkedLog.make("brand-a", entries: 2, tag: "fork")
        defer { fork.remove() }
        let b = try await Member.open(dataDirectory: URL(fileURLWithPath: cli.data), logger: Logger(label: "test"))
        try await fork.quarantine(at: b, offeredBy: try MemberID("market-c"))
        try await b.close()
        #expect(
            try await cli.succeed(["audit", "origin", "--data", cli.data, "brand-a"]).stdout.contains("QUARANTINED")
        )

        let note = "checked with brand-a's security team"
        let cleared = try await cli.succeed(["quarantine", "clear", "--data", cli.data, "brand-a", "--note", note])
            .stdout
        #expect(cleared.contains("cleared the quarantine of brand-a"), "\(cleared)")
        #expect(cleared.contains("equivocation: signed two inconsistent checkpoints (reported by market-c)"))

        let audit = try await cli.succeed(["audit", "origin", "--data", cli.data, "brand-a"]).stdout
        #expect(audit.contains("quarantine    no"), "\(audit)")
        #expect(audit.contains("by the operator (\(note)): quarantined since"), "\(audit)")
        #expect(audit.contains("EQUIVOCATION  found"), "the evidence stays: \(audit)")
        let json = try await cli.succeed(["audit", "origin", "--data", cli.data, "brand-a", "--json"]).stdout
        let document = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] ?? [:]
        let clearances = document["cleared_quarantines"] as? [[String: Any]] ?? []
        #expect(clearances.count == 1)
        #expect(clearances.first?["note"] as? String == note)
        #expect(document["quarantine"] == nil)
        let status = try await cli.status()
        #expect((status["quarantined"] as? [Any])?.isEmpty == true, "\(status)")

        let again = try await cli.run(["quarantine", "clear", "--data", cli.data, "brand-a"])
        #expect(again.status != 0)
        #expect(again.stderr.contains("brand-a is not quarantined here"), "\(again.stderr)")
        let badNote = try await cli.run(["quarantine", "clear", "--data", cli.data, "brand-a", "--note", "a\u{7}b"])
        #expect(badNote.status != 0)
        #expect(badNote.stderr.contains("note"), "\(badNote.stderr)")
    }

    @Test("with a node running, the clear goes through its control socket, and the audit shows it")
    func clearsThroughRunningNode() async throws {
        let cli = try CommandRunner()
        defer { cli.remove() }
        try await cli.initialize(member: "brand-b")
        let fork = try await ForkedLog.make("brand-a", entries: 2, tag: "fork")
        defer { fork.remove() }
        let b = try await Member.open(dataDirectory: URL(fileURLWithPath: cli.data), logger: Logger(label: "test"))
        try await fork.quarantine(at: b, offeredBy: try MemberID("market-c"))
        try await b.close()
        let (node, _) = try await ControlSocketTests.startNode(on: cli.data, in: cli)
        defer { _ = node.stop() }

        let cleared = try await cli.run(
            ["quarantine", "clear", "--data", cli.data, "brand-a", "--json"],
            environment: ControlSocketTests.info
        )
        #expect(cleared.status == 0, "\(cleared.stderr)")
        #expect(cleared.stderr.contains(ControlSocketTests.throughNode))
        let document = try JSONSerialization.jsonObject(with: Data(cleared.stdout.utf8)) as? [String: Any] ?? [:]
        #expect(document["origin"] as? String == "brand-a")
        #expect(document["note"] as? String == "")
        let audit = try await cli.succeed(["audit", "origin", "--data", cli.data, "brand-a"]).stdout
        #expect(audit.contains("quarantine    no") && audit.contains("cleared       "), "\(audit)")
    }

    @Test("an origin with no quarantine cleared never shows a clearance, in text or JSON")
    func nothingCleared() async throws {
        let cli = try CommandRunner()
        defer { cli.remove() }
        try await cli.initialize(member: "market-c")
        try await cli.receiveLog(
            of: "brand-b",
            asserting: [Submission(identifier: try Identifier(kind: .sku, value: "B-1"))]
        )
        #expect(
            !(try await cli.succeed(["audit", "origin", "--data", cli.data, "brand-b"]).stdout.contains("cleared"))
        )
        let json = try await cli.succeed(["audit", "origin", "--data", cli.data, "brand-b", "--json"]).stdout
        #expect(!json.contains("cleared_quarantines"))
    }
}
