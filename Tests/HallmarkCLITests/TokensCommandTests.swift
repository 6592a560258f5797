import Foundation
import Testing

/// `hallmark tokens`, and `hallmark node` beyond loopback, as processes.
@Suite("hallmark tokens")
struct TokensCommandTests {
    @Test("create prints the secret once; list never shows it; revoke marks the token; names are not reused")
    func createListRevoke() async throws {
        let cli = try CommandRunner()
        defer { cli.remove() }
        try await cli.initialize()
        #expect(try await cli.succeed(["tokens", "list", "--data", cli.data]).stdout == "no API tokens\n")
        let created = try await cli.succeed([
            "tokens", "create", "--data", cli.data, "--name", "ci", "--access", "read",
        ])
        let secret = created.stdout.trimmingCharacters(in: .newlines)
        #expect(secret.wholeMatch(of: /hm_[A-Za-z0-9_-]{43}/) != nil)
        #expect(created.stderr.contains("shown only now"))
        try await cli.succeed(["tokens", "create", "--data", cli.data, "--name", "deploy", "--access", "write"])

        let listed = try await cli.succeed(["tokens", "list", "--data", cli.data, "--json"])
        #expect(!listed.stdout.contains("hm_"))
        let tokens = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
        #expect(tokens.map { $0["name"] as? String } == ["ci", "deploy"])
        #expect(tokens.map { $0["access"] as? String } == ["read", "write"])
        #expect(tokens.allSatisfy { $0["revoked_at"] == nil && $0["created_at"] is String && $0.count == 3 })

        let revoked = try await cli.succeed(["tokens", "revoke", "--data", cli.data, "ci"])
        #expect(revoked.stdout.hasPrefix("revoked API token 'ci' at "))
        let text = try await cli.succeed(["tokens", "list", "--data", cli.data]).stdout
        #expect(text.contains("ci  read  created "))
        #expect(text.contains("  revoked "))
        #expect(text.contains("deploy  write  created "))

        let again = try await cli.run(["tokens", "create", "--data", cli.data, "--name", "ci", "--access", "write"])
        #expect(again.status == 2)
        #expect(again.stderr.contains("a token named 'ci' already exists"))
        let access = try await cli.run(["tokens", "create", "--data", cli.data, "--name", "x", "--access", "admin"])
        #expect(access.status == 2)
        #expect(access.stderr.contains("access 'admin' is neither 'read' nor 'write'"))
        let unknown = try await cli.run(["tokens", "revoke", "--data", cli.data, "nobody"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("no API token is named 'nobody'"))
    }

    @Test("a node whose API is beyond loopback refuses to start without a valid token, and serves HTTPS with one")
    func nodeBeyondLoopback() async throws {
        let cli = try CommandRunner()
        defer { cli.remove() }
        try await cli.initialize()
        let arguments = ["node", "--data", cli.data, "--listen", "127.0.0.1:0", "--api", "0.0.0.0:0"]
        let refused = try await cli.run(arguments)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("0.0.0.0:0, which is not a loopback address, and no API token is configured"))

        let half = try await cli.run(
            arguments + ["--api-tls-key", "\(CommandRunner.devCertificates.path)/brand-a/member-key.pem"]
        )
        #expect(half.status == 2)
        #expect(half.stderr.contains("go together"))

        try await cli.succeed(["tokens", "create", "--data", cli.data, "--name", "ci", "--access", "read"])
        // Paths in a configuration file are taken from its folder; a file that is not there is named.
        let dev = CommandRunner.devCertificates.path
        let config = try cli.write(
            "node.json",
            Data(#"{"api_tls_certificate": "\#(dev)/brand-a/member.pem", "api_tls_key": "tls/key.pem"}"#.utf8)
        )
        let missing = try await cli.run(arguments + ["--config", config])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains(cli.folder.appendingPathComponent("tls/key.pem").path))
        let wrongType = try cli.write("bad.json", Data(#"{"api_tls_key": 7}"#.utf8))
        #expect(
            try await cli.run(arguments + ["--config", wrongType]).stderr.contains("api_tls_key: expected a string")
        )

        let node = try NodeProcess(arguments, in: cli.folder)
        let line = try await node.waitForLine(containing: "api.address=0.0.0.0")
        #expect(line.contains("api.scheme=https"))
        #expect(node.stop() == 0)
    }
}
