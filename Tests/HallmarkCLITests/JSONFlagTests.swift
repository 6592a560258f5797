import Foundation
import Testing

/// `--json` on the commands that change things: one JSON document on standard output, snake_case keys, as the API
/// answers where it has a document for the same thing.
@Suite("--json on every command that prints")
struct JSONFlagTests {
    /// Runs `arguments` (which must succeed) and parses its standard output as one JSON object.
    static func object(_ cli: CommandRunner, _ arguments: [String]) async throws -> [String: Any] {
        let run = try await cli.succeed(arguments)
        let parsed = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8))
        return try #require(parsed as? [String: Any], "\(arguments): \(run.stdout)")
    }

    @Test("init, submit, import, retract, allowlist add/import/remove, tokens create/revoke print JSON")
    func documents() async throws {
        let cli = try CommandRunner()
        defer { cli.remove() }
        let dev = CommandRunner.devCertificates.path
        let initialized = try await Self.object(
            cli,
            [
                "init", "--data", cli.data, "--json", "--member-cert", "\(dev)/brand-a/member.pem",
                "--member-key", "\(dev)/brand-a/member-key.pem", "--alliance-ca", "\(dev)/ca.pem",
                "--alliance-key", "\(dev)/alliance.key",
            ]
        )
        #expect(initialized["member"] as? String == "brand-a")
        #expect(initialized["alliance_key"] as? String == "k398c5edc6a01d93b")

        let submitted = try await Self.object(cli, ["submit", "--data", cli.data, "--json", "sku", "J-1"])
        #expect(submitted["appended"] as? Int == 1 && submitted["log_size"] as? Int == 1, "\(submitted)")
        let csv = try cli.write("skus.csv", Data("kind,value\nsku,J-1\nsku,J-2\n".utf8))
        let imported = try await Self.object(cli, ["import", "--data", cli.data, "--json", csv])
        #expect(imported["appended"] as? Int == 1 && imported["unchanged"] as? Int == 1, "\(imported)")
        let retracted = try await Self.object(cli, ["retract", "--data", cli.data, "--json", "sku", "J-2"])
        #expect(retracted["appended"] as? Int == 1 && retracted["log_size"] as? Int == 3, "\(retracted)")

        let allowed = try await Self.object(cli, ["allowlist", "add", "--data", cli.data, "--json", "sku", "OK-1"])
        #expect(allowed["added"] as? Int == 1 && allowed["unchanged"] as? Int == 0, "\(allowed)")
        let list = try cli.write("allow.csv", Data("kind,value\nsku,OK-1\nsku,OK-2\n".utf8))
        let allowedMore = try await Self.object(cli, ["allowlist", "import", "--data", cli.data, "--json", list])
        #expect(allowedMore["added"] as? Int == 1 && allowedMore["unchanged"] as? Int == 1, "\(allowedMore)")
        let removed = try await Self.object(cli, ["allowlist", "remove", "--data", cli.data, "--json", "sku", "OK-2"])
        // The normalized value, as every document shows an identifier.
        #expect(removed["kind"] as? String == "sku" && removed["value"] as? String == "ok2", "\(removed)")

        let token = try await Self.object(
            cli,
            ["tokens", "create", "--data", cli.data, "--json", "--name", "pipeline", "--access", "read"]
        )
        #expect(token["name"] as? String == "pipeline" && token["access"] as? String == "read", "\(token)")
        #expect((token["secret"] as? String)?.isEmpty == false)
        let revoked = try await Self.object(cli, ["tokens", "revoke", "--data", cli.data, "--json", "pipeline"])
        #expect(revoked["name"] as? String == "pipeline" && revoked["revoked_at"] is String, "\(revoked)")
    }

    @Test("certs init-alliance, issue-member, revoke, install-revocations and the audits of files print JSON")
    func alliancesAndAudits() async throws {
        let cli = try CommandRunner()
        defer { cli.remove() }
        let alliance = cli.folder.appendingPathComponent("alliance").path
        let created = try await Self.object(
            cli,
            ["certs", "init-alliance", "--json", "--name", "Test", "--out", alliance]
        )
        #expect(created["alliance"] as? String == "Test" && (created["alliance_key_id"] as? String)?.first == "k")
        let member = cli.folder.appendingPathComponent("member").path
        let issued = try await Self.object(
            cli,
            [
                "certs", "issue-member", "--json", "--alliance", alliance, "--member", "brand-x", "--name", "Brand X",
                "--host", "localhost", "--out", member,
            ]
        )
        #expect(issued["member"] as? String == "brand-x" && issued["expires"] is String, "\(issued)")
        let revoked = try await Self.object(
            cli,
            ["certs", "revoke", "--json", "--alliance", alliance, "--member-cert", "\(member)/member.pem"]
        )
        #expect(revoked["member"] as? String == "brand-x" && revoked["replaced"] as? Bool == false, "\(revoked)")

        try await cli.initialize(member: "brand-a")
        try await cli.succeed(["submit", "--data", cli.data, "sku", "EVIDENCE-1"])
        let bundle = cli.folder.appendingPathComponent("bundle.json").path
        let written = try await Self.object(
            cli,
            ["audit", "evidence", "--data", cli.data, "--json", "sku", "EVIDENCE-1", "--out", bundle]
        )
        #expect(written["entries"] as? Int == 1 && written["origins"] as? [String] == ["brand-a"], "\(written)")
        let dev = CommandRunner.devCertificates.path
        let verified = try await Self.object(
            cli,
            ["audit", "verify", "--json", bundle, "--alliance-ca", "\(dev)/ca.pem"]
        )
        #expect(verified["valid"] as? Bool == true && (verified["checks"] as? [Any])?.isEmpty == false, "\(verified)")
        let store = try await Self.object(cli, ["audit", "verify-store", "--data", cli.data, "--json"])
        #expect(store["clean"] as? Bool == true && (store["logs"] as? [Any])?.count == 1, "\(store)")

        // A revocation list of the development alliance (signed in a copy of its folder), installed.
        let copy = cli.folder.appendingPathComponent("dev-copy")
        try FileManager.default.copyItem(at: CommandRunner.devCertificates, to: copy)
        try await cli.succeed([
            "certs", "revoke", "--alliance", copy.path, "--member-cert", "\(copy.path)/market-c/member.pem",
        ])
        let installed = try await Self.object(
            cli,
            ["certs", "install-revocations", "--data", cli.data, "--json", "\(copy.path)/revocations.pem"]
        )
        #expect(installed["revoked"] as? Int == 1 && installed["list_number"] is String, "\(installed)")
    }
}
