import Foundation
import HallmarkCore
import HallmarkMember
import Testing

@Suite("hallmark allowlist, and revoked origins in check and audit")
struct AllowlistCommandTests {
    @Test("add, list, check answers allowlisted with exit status 1, import, remove")
    func allowlist() async throws {
        let cli = try CommandRunner()
        defer { cli.remove() }
        try await cli.initialize()
        let seller = try Identifier(kind: .seller, value: "shopmart:our reseller")
        try await cli.receiveLog(of: "brand-b", asserting: [Submission(identifier: seller)])
        #expect(try await cli.run(["check", "--data", cli.data, "seller", "shopmart:our reseller"]).status == 0)

        let added = try await cli.succeed([
            "allowlist", "add", "--data", cli.data, "seller", "ShopMart:Our Reseller", "--note", "since 2019",
        ])
        #expect(added.stdout.contains("allowlisted seller 'shopmart:our reseller'"))
        let check = try await cli.run(["check", "--data", cli.data, "seller", "shopmart:our reseller"])
        #expect(check.status == 1)
        #expect(check.stdout.hasPrefix("allowlisted  seller 'shopmart:our reseller'"))
        #expect(check.stdout.contains("by brand-b"))
        let json = try await cli.run(["check", "--data", cli.data, "seller", "shopmart:our reseller", "--json"])
        let verdict = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(verdict["status"] as? String == "allowlisted")
        #expect((verdict["origins"] as? [Any])?.count == 1)

        let file = try cli.write("partners.csv", Data("kind,value,note\nsku,P-1,ours\nsku,P-2,\n".utf8))
        #expect(try await cli.succeed(["allowlist", "import", "--data", cli.data, file]).stdout.contains("2 new"))
        let bad = try cli.write("bad.jsonl", Data(#"{"kind": "sku", "value": "P-3", "confidence": 9}"#.utf8))
        let refused = try await cli.run(["allowlist", "import", "--data", cli.data, bad])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("bad.jsonl:1"))
        #expect(refused.stderr.contains("unknown field 'confidence'"))

        let list = try await cli.succeed(["allowlist", "list", "--data", cli.data, "--json"])
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        #expect(entries.map { $0["value"] as? String } == ["shopmart:our reseller", "p1", "p2"])
        #expect(entries.first?["note"] as? String == "since 2019")
        #expect(try await cli.succeed(["allowlist", "list", "--data", cli.data]).stdout.contains("note: ours"))

        try await cli.succeed(["allowlist", "remove", "--data", cli.data, "seller", "shopmart:our reseller"])
        #expect(try await cli.run(["check", "--data", cli.data, "seller", "shopmart:our reseller"]).status == 0)
        let missing = try await cli.run(["allowlist", "remove", "--data", cli.data, "seller", "shopmart:our reseller"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("not on the allowlist"))
        // Nothing of the allowlist went into the member's own log.
        #expect(try await cli.status()["own_log_size"] as? Int == 0)
    }

    @Test("check and audit mark a revoked origin; an assertion received after a backdated revocation stops counting")
    func revokedOrigin() async throws {
        let cli = try CommandRunner()
        defer { cli.remove() }
        try await cli.initialize()
        let seller = try Identifier(kind: .seller, value: "shopmart:fake bags")
        try await cli.receiveLog(of: "brand-b", asserting: [Submission(identifier: seller)])
        let alliance = cli.folder.appendingPathComponent("alliance")
        try FileManager.default.copyItem(at: CommandRunner.devCertificates, to: alliance)
        try await cli.succeed([
            "certs", "revoke", "--alliance", alliance.path, "--member-cert", alliance.path + "/brand-b/member.pem",
            "--reason", "keyCompromise", "--time", "2020-01-01T00:00:00Z",
        ])
        try await cli.succeed(["certs", "install-revocations", "--data", cli.data, alliance.path + "/revocations.pem"])

        let check = try await cli.run(["check", "--data", cli.data, "seller", "shopmart:fake bags"])
        #expect(check.status == 1)
        #expect(check.stdout.contains("not listed"))
        #expect(check.stdout.contains("REVOKED since 2020-01-01T00:00:00.000Z (keyCompromise, revocation list 1)"))
        #expect(check.stdout.contains("received after it: does not count"))
        let json = try await cli.run(["check", "--data", cli.data, "seller", "shopmart:fake bags", "--json"])
        let verdict = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let origin = try #require((verdict["origins"] as? [[String: Any]])?.first)
        let revoked = try #require(origin["revoked"] as? [String: Any])
        #expect(revoked["reason"] as? String == "keyCompromise")
        #expect(revoked["since"] is String)
        #expect(revoked["counts"] as? Bool == false)

        let audit = try await cli.succeed(["audit", "--data", cli.data, "seller", "shopmart:fake bags"])
        #expect(audit.stdout.contains("brand-b#0"))
        #expect(audit.stdout.contains("REVOKED since"))
        #expect(audit.stdout.contains("inclusion proof: verified"))
    }
}
