import Foundation
import HallmarkCore
import HallmarkInterchange
import HallmarkMember
import HallmarkTestSupport
import Testing

/// `hallmark import FILE.json`: a STIX 2.1 bundle's indicators become this member's assertions.
@Suite("hallmark import of STIX 2.1 bundles")
struct STIXImportTests {
    /// Every identifier's verdict at `data`: status, and for one origin its confidence, reason, note and expiry.
    static func verdicts(of lines: [String], at data: String, in cli: CommandRunner) async throws -> [String] {
        let list = try cli.write("check-\(UUID().uuidString).txt", Data((lines.joined(separator: "\n") + "\n").utf8))
        let check = try await cli.run(["check", "--data", data, "--file", list, "--json"])
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [[String: Any]])
        return parsed.map { verdict in
            let origins = verdict["origins"] as? [[String: Any]] ?? []
            var shown = "\(verdict["kind"] ?? "") \(verdict["digest"] ?? "") \(verdict["status"] ?? "")"
            if origins.count == 1, let origin = origins.first {
                shown += " \(origin["confidence"] ?? "") \(origin["reason"] ?? "") '\(origin["note"] ?? "")'"
                shown += " \(origin["expires"] ?? "never")"
            }
            return shown
        }
    }

    @Test("an export imported into another member's store, through its running node, gives the same verdicts")
    func roundTrip() async throws {
        let cli = try CommandRunner()
        defer { cli.remove() }
        try await cli.initialize()
        var csv = "kind,value,confidence,reason,expires,note\n"
        var lines: [String] = []
        for index in 0..<120 {
            let (kind, value): (String, String) =
                switch index % 4 {
                case 0: ("seller", "shopmart:round trip \(index)")
                case 1: ("sku", "RT-\(index)")
                case 2: ("url", "https://market.example/item/\(index)")
                default: ("image-pdq", String(repeating: String(format: "%02x", index), count: 32))
                }
            let expires = index % 3 == 0 ? "2031-01-0\(index % 9 + 1)" : ""
            let note = index % 5 == 0 ? "seen \(index) times, \"quoted\"" : ""
            csv +=
                "\(kind),\(value),\(50 + index % 50),reason-\(index % 7),\(expires),\"\(note.replacingOccurrences(of: "\"", with: "\"\""))\"\n"
            lines.append("\(kind) \(value)")
        }
        try await cli.succeed(["import", "--data", cli.data, try cli.write("listed.csv", Data(csv.utf8))])
        try await cli.succeed(["retract", "--data", cli.data, "sku", "RT-1"])
        // Another member's assertions: one of an identifier brand-a also lists, one of its own, one disputed.
        let shared = try Identifier(kind: .seller, value: "shopmart:round trip 0")
        let theirs = try Identifier(kind: .url, value: "https://elsewhere.example/fake")
        try await cli.receiveLog(
            of: "brand-b",
            asserting: [
                Submission(identifier: shared, confidence: 40), Submission(identifier: theirs, reason: "replica"),
            ]
        )
        try await cli.succeed([
            "dispute", "--data", cli.data, "url", "https://elsewhere.example/fake", "--origin", "brand-b", "--reason",
            "authorized-reseller",
        ])
        lines += ["url https://elsewhere.example/fake", "sku NEVER-LISTED", "seller shopmart:honest"]
        // A hash three bits from a listed one: near-matching works on imported digests too.
        lines.append("image-pdq " + String(repeating: "03", count: 31) + "0c")
        let bundle = cli.folder.appendingPathComponent("bundle.json").path
        try await cli.succeed(["export", "stix", "--data", cli.data, "--out", bundle])

        let other = cli.folder.appendingPathComponent("market-c").path
        try await cli.initialize(member: "market-c", data: other)
        let node = try NodeProcess(serving: other, in: cli.folder)
        defer { _ = node.stop() }
        _ = try await node.apiPort()
        let imported = try await cli.run(["import", "--data", other, bundle, "--json"])
        #expect(imported.status == 0, "\(imported.stderr)")
        let outcome = try #require(
            try JSONSerialization.jsonObject(with: Data(imported.stdout.utf8)) as? [String: Any]
        )
        // 120 of brand-a (one revoked) and 2 of brand-b, one of them an identifier brand-a lists too.
        #expect(outcome["indicators"] as? Int == 122)
        #expect(outcome["revoked"] as? Int == 1)
        #expect(outcome["merged"] as? Int == 1)
        #expect(outcome["opinions"] as? Int == 1)
        #expect(outcome["imported"] as? Int == 120)
        #expect(outcome["appended"] as? Int == 120)
        #expect((outcome["unsupported"] as? [Any])?.isEmpty == true)

        let original = try await Self.verdicts(of: lines, at: cli.data, in: cli)
        let copied = try await Self.verdicts(of: lines, at: other, in: cli)
        #expect(original.count == lines.count)
        for (line, (before, after)) in zip(lines, zip(original, copied)) {
            // Listed by two origins at brand-a, by market-c alone after the import: the status is what compares.
            if line == "seller shopmart:round trip 0" {
                #expect(after.hasPrefix(before + " 40 counterfeit"), "the latest modified of the two is kept")
            } else {
                #expect(before == after, "\(line)")
            }
        }
        #expect(original.filter { $0.contains(" listed") }.count == 121)

        // Imported again: nothing new. The node wrote it all itself: its log never saw another writer.
        let again = try await cli.succeed(["import", "--data", other, bundle])
        #expect(again.stdout.contains("0 appended, 120 unchanged"), "\(again.stdout)")
        #expect(!node.log.contains("another process"), "\(node.log)")
    }

    @Test("plain STIX indicators of the known kinds are imported; other patterns are reported, not guessed")
    func plainIndicators() async throws {
        let cli = try CommandRunner()
        defer { cli.remove() }
        try await cli.initialize()
        let hash = String(repeating: "9c", count: 32)
        func indicator(
            _ number: Int,
            _ pattern: String,
            extra: String = "",
            modified: String = "2026-12-01T10:00:00.000Z"
        ) -> String {
            """
            {"type": "indicator", "spec_version": "2.1", "id": "indicator--00000000-0000-4000-8000-\(String(format: "%012d", number))",
             "created": "2026-12-01T10:00:00.000Z", "modified": "\(modified)",
             "pattern": \(String(decoding: try! JSONEncoder().encode(pattern), as: UTF8.self)), "pattern_type": "stix",
             "valid_from": "2026-12-01T10:00:00Z"\(extra)}
            """
        }
        let objects = [
            #"{"type": "identity", "spec_version": "2.1", "id": "identity--00000000-0000-4000-8000-000000000001", "name": "a tool", "created": "2026-12-01T10:00:00.000Z", "modified": "2026-12-01T10:00:00.000Z"}"#,
            indicator(1, "[url:value = 'https://Fake.Example/Bag?id=1']", extra: #", "confidence": 70"#),
            indicator(2, "[user-account:account_type = 'shopmart' AND user-account:account_login = 'Fake Bags']"),
            indicator(3, "[user-account:account_login = 'bazaar:replicas']"),
            indicator(4, "[file:hashes.'PDQ' = '\(hash)']"),
            indicator(
                5,
                #"[x-hallmark-indicator:kind = 'seller' AND x-hallmark-indicator:value = 'shopmart:o\'brien']"#
            ),
            indicator(6, "[x-hallmark-indicator:kind = 'sku' AND x-hallmark-indicator:value = 'LV-M40990']"),
            indicator(7, "[ipv4-addr:value = '198.51.100.1']"),
            indicator(8, "[url:value = 'https://a.example/' OR url:value = 'https://b.example/']"),
            indicator(9, "[file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e']"),
            indicator(10, "[url:value = 'https://a.example/'] AND [url:value = 'https://b.example/']"),
            indicator(11, "[url:value = 'https://sigma.example/']", extra: #", "revoked": true"#),
            indicator(
                12,
                "[url:value = 'https://expired.example/']",
                extra: #", "valid_until": "2020-01-01T00:00:00Z""#
            ),
            indicator(13, "title: suspicious", extra: "").replacingOccurrences(
                of: #""pattern_type": "stix""#,
                with: #""pattern_type": "sigma""#
            ),
            // Versions of one indicator: the one modified last decides, wherever it stands in the bundle.
            indicator(14, "[url:value = 'https://versions.example/retracted']"),
            indicator(
                14,
                "[url:value = 'https://versions.example/retracted']",
                extra: #", "revoked": true"#,
                modified: "2026-12-02T10:00:00.000123Z"
            ),
            indicator(
                15,
                "[url:value = 'https://versions.example/kept']",
                extra: #", "confidence": 60"#,
                modified: "2026-12-03T10:00:00Z"
            ),
            indicator(15, "[url:value = 'https://versions.example/kept']", extra: #", "confidence": 20"#),
            #"{"type": "malware", "spec_version": "2.1", "id": "malware--00000000-0000-4000-8000-000000000002", "name": "x", "is_family": false, "created": "2026-12-01T10:00:00.000Z", "modified": "2026-12-01T10:00:00.000Z"}"#,
        ]
        let bundle = try cli.write(
            "tool.json",
            Data(#"{"type": "bundle", "id": "bundle--00000000-0000-4000-8000-000000000003", "objects": ["#.utf8)
                + Data(objects.joined(separator: ",\n").utf8) + Data("]}".utf8)
        )
        let imported = try await cli.run(["import", "--data", cli.data, bundle])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("imported 7 of 17 STIX indicators"), "\(imported.stdout)")
        #expect(
            imported.stderr.contains("left out: 2 revoked, 1 expired, 2 earlier versions"),
            "\(imported.stderr)"
        )
        #expect(imported.stderr.contains("5 indicators with patterns not read"), "\(imported.stderr)")
        for (number, fragment) in [
            (7, "it names ipv4-addr"), (8, "'OR' joins the comparisons"), (9, "hashes.MD5 is not a property"),
            (10, "more than one observation"), (13, "pattern_type 'sigma'"),
        ] {
            let id = "indicator--00000000-0000-4000-8000-\(String(format: "%012d", number))"
            #expect(
                imported.stderr.split(separator: "\n").contains { $0.contains(id) && $0.contains(fragment) },
                "\(id): \(fragment)\n\(imported.stderr)"
            )
        }
        for (kind, value) in [
            ("url", "https://fake.example/Bag?id=1"), ("seller", "shopmart:fake bags"), ("seller", "bazaar:replicas"),
            ("image-pdq", hash), ("seller", "shopmart:o'brien"), ("sku", "lvm40990"),
        ] {
            #expect(try await cli.run(["check", "--data", cli.data, kind, value]).status == 0, "\(kind) \(value)")
        }
        let kept = try await cli.succeed(["audit", "--data", cli.data, "url", "https://versions.example/kept"])
        #expect(kept.stdout.contains("60"), "\(kept.stdout)")
        for url in [
            "https://sigma.example/", "https://expired.example/", "https://a.example/",
            "https://versions.example/retracted",
        ] {
            #expect(try await cli.run(["check", "--data", cli.data, "url", url]).status == 1, "\(url)")
        }
        let audit = try await cli.succeed(["audit", "--data", cli.data, "url", "https://fake.example/Bag?id=1"])
        #expect(audit.stdout.contains("70"), "\(audit.stdout)")
    }

    @Test("bad bundles are refused whole, naming the file and the object; nothing is stored")
    func badBundles() async throws {
        let cli = try CommandRunner()
        defer { cli.remove() }
        try await cli.initialize()
        try await cli.succeed(["submit", "--data", cli.data, "sku", "KEEP-ME"])
        let modified = #""modified": "2026-12-01T10:00:00.000Z""#
        let good =
            #"{"type": "indicator", "id": "indicator--1", \#(modified), "pattern": "[url:value = 'https://ok.example/']"}"#
        let cases: [(String, String, String)] = [
            ("not-json.json", "{ nope", "not-json.json: not JSON"),
            ("not-bundle.json", #"{"type": "indicator"}"#, "not a STIX bundle"),
            (
                "no-pattern.json",
                #"{"type": "bundle", "objects": [\#(good), {"type": "indicator", "id": "indicator--2", \#(modified)}]}"#,
                "objects[1] (indicator--2): an indicator needs a \"pattern\""
            ),
            (
                "confidence.json",
                #"{"type": "bundle", "objects": [{"type": "indicator", "id": "indicator--3", \#(modified), "pattern": "[url:value = 'https://x.example/']", "confidence": 150}]}"#,
                "objects[0] (indicator--3): confidence must be a whole number from 0 to 100"
            ),
            (
                "time.json",
                #"{"type": "bundle", "objects": [{"type": "indicator", "id": "indicator--4", \#(modified), "pattern": "[url:value = 'https://x.example/']", "valid_until": "tomorrow"}]}"#,
                "objects[0] (indicator--4): valid_until must be a STIX timestamp"
            ),
            (
                "no-modified.json",
                #"{"type": "bundle", "objects": [{"type": "indicator", "id": "indicator--6", "pattern": "[url:value = 'https://x.example/']"}]}"#,
                "objects[0] (indicator--6): an indicator needs a \"modified\" time"
            ),
            (
                "modified.json",
                #"{"type": "bundle", "objects": [{"type": "indicator", "id": "indicator--7", "modified": "2026-12-01 10:00", "pattern": "[url:value = 'https://x.example/']"}]}"#,
                "objects[0] (indicator--7): modified must be a STIX timestamp"
            ),
            (
                "digest.json",
                #"{"type": "bundle", "objects": [\#(good), "text"]}"#, "objects[1]: not a JSON object"
            ),
        ]
        for (name, text, fragment) in cases {
            let file = try cli.write(name, Data(text.utf8))
            let result = try await cli.run(["import", "--data", cli.data, file])
            #expect(result.status == 2, "\(name): \(result.stderr)")
            #expect(result.stderr.contains(fragment), "\(name): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(name): \(result.stderr)")
        }
        #expect(try await cli.status()["own_log_size"] as? Int == 1)
        #expect(try await cli.run(["check", "--data", cli.data, "url", "https://ok.example/"]).status == 1)
        // A Hallmark digest made under another alliance key cannot match here: reported, not imported.
        let foreign = """
            {"type": "bundle", "objects": [{"type": "indicator", "id": "indicator--5", \(modified),
              "pattern": "[x-hallmark-indicator:kind = 'sku' AND x-hallmark-indicator:digest = '\(String(repeating: "ab", count: 32))']",
              "extensions": {"\(STIXExport.extensionID)": {"extension_type": "property-extension", "key_id": "k0000000000000000"}}}]}
            """
        let result = try await cli.run([
            "import", "--data", cli.data, try cli.write("foreign.json", Data(foreign.utf8)),
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("under alliance key k0000000000000000"), "\(result.stderr)")
        #expect(try await cli.status()["own_log_size"] as? Int == 1)
    }
}
