import Foundation
import GRDB
import HallmarkCore
import HallmarkMember
import HallmarkTestSupport
import Testing

/// The `hallmark` command line end to end: real processes, a real store in a temporary folder.
@Suite("hallmark command line")
struct CommandLineTests {
    @Test("import 10 000 lines, check, re-import, submit, retract, audit, status, restart")
    func endToEnd() async throws {
        let cli = try CommandRunner()
        defer { cli.remove() }
        try await cli.initialize()

        var csv = "kind,value,confidence,reason,expires,note\n"
        for i in 0..<10_000 {
            switch i % 4 {
            case 0: csv += "seller,\"shopmart:Fake Seller \(i)\",\(50 + i % 50),counterfeit,,\n"
            case 1: csv += "sku,LV-M\(40_000 + i),90,counterfeit,30d,replica\n"
            case 2: csv += "url,https://Shop.Example.com:443/item/\(i)#top,80,counterfeit,,\n"
            default: csv += "image-pdq,\(String(format: "%064X", i)),70,counterfeit,,\n"
            }
        }
        let file = try cli.write("indicators.csv", Data(csv.utf8))
        let imported = try await cli.succeed(["import", "--data", cli.data, file])
        #expect(imported.stdout.contains("10000 appended"))

        // Listed, with provenance; normalization makes variants one identifier.
        let listed = try await cli.run(["check", "--data", cli.data, "sku", "lv m40001"])
        #expect(listed.status == 0)
        #expect(listed.stdout.contains("LISTED"))
        #expect(listed.stdout.contains("by brand-a: confidence 90, reason counterfeit"))
        #expect(listed.stdout.contains("expires 20"))
        let json = try await cli.run(["check", "--data", cli.data, "seller", "SHOPMART:fake seller 4", "--json"])
        #expect(json.status == 0)
        let verdict = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(verdict["status"] as? String == "listed")
        let origins = try #require(verdict["origins"] as? [[String: Any]])
        #expect(origins.first?["member"] as? String == "brand-a")
        #expect(origins.first?["confidence"] as? Int == 54)
        #expect(origins.first?["first_seen"] is String)
        #expect(try await cli.run(["check", "--data", cli.data, "url", "https://shop.example.com/item/2"]).status == 0)

        // Not listed: exit 1, like grep.
        let unlisted = try await cli.run(["check", "--data", cli.data, "seller", "shopmart:honest trader"])
        #expect(unlisted.status == 1)
        #expect(unlisted.stdout.contains("not listed"))

        // The same file again appends nothing.
        let again = try await cli.succeed(["import", "--data", cli.data, file])
        #expect(again.stdout.contains("0 appended, 10000 unchanged"))
        #expect(try await cli.status()["own_log_size"] as? Int == 10_000)

        // Submit, retract: only the retraction's effect remains.
        try await cli.succeed([
            "submit", "--data", cli.data, "seller", "shopmart:late fake", "--confidence", "60", "--expires", "7d",
        ])
        #expect(try await cli.run(["check", "--data", cli.data, "seller", "shopmart:late fake"]).status == 0)
        try await cli.succeed(["retract", "--data", cli.data, "seller", "shopmart:late fake"])
        #expect(try await cli.run(["check", "--data", cli.data, "seller", "shopmart:late fake"]).status == 1)
        let retractAgain = try await cli.run(["retract", "--data", cli.data, "seller", "shopmart:late fake"])
        #expect(retractAgain.status == 2)
        #expect(retractAgain.stderr.contains("no standing assertion"))

        // Audit: both entries, each proved.
        let audit = try await cli.run(["audit", "--data", cli.data, "seller", "shopmart:late fake"])
        #expect(audit.status == 0, "\(audit.stderr)")
        #expect(audit.stdout.contains("brand-a#10000"))
        #expect(audit.stdout.contains("brand-a#10001"))
        #expect(audit.stdout.contains("retract"))
        #expect(!audit.stdout.contains("FAILED"))
        #expect(audit.stdout.components(separatedBy: "inclusion proof: verified").count == 3)
        #expect(audit.stdout.components(separatedBy: "signature: verified").count == 3)

        let status = try await cli.status()
        let counts = try #require(status["listed"] as? [String: Int])
        #expect(counts == ["seller": 2_500, "sku": 2_500, "url": 2_500, "image-pdq": 2_500])
        #expect(status["member"] as? String == "brand-a")
        #expect(status["own_log_size"] as? Int == 10_002)
        #expect((status["filter_expected_false_positive_rate"] as? Double ?? 1) < 0.001)

        // Restart without the filter snapshot: it is rebuilt from the store, and answers stay the same.
        try FileManager.default.removeItem(atPath: cli.data + "/filter.snapshot")
        #expect(try await cli.run(["check", "--data", cli.data, "sku", "LV.M.40001"]).status == 0)
        #expect(FileManager.default.fileExists(atPath: cli.data + "/filter.snapshot"))
        #expect(try await cli.run(["check", "--data", cli.data, "seller", "shopmart:late fake"]).status == 1)

        // check --file: exit 0 when any is listed.
        let list = try cli.write("to-check.txt", Data("# listing queue\nsku LV-M40001\nseller shopmart:nobody\n".utf8))
        let batch = try await cli.run(["check", "--data", cli.data, "--file", list])
        #expect(batch.status == 0)
        #expect(batch.stdout.contains("LISTED  sku 'lvm40001'"))
        #expect(batch.stdout.contains("not listed  seller 'shopmart:nobody'"))
        // --kind K (as the README and the help say): every line is a value of that kind.
        let skus = try cli.write("skus.txt", Data("LV-M40001\nNOT-LISTED-1\n".utf8))
        let byKind = try await cli.run(["check", "--data", cli.data, "--file", skus, "--kind", "sku"])
        #expect(byKind.status == 0, "\(byKind.stderr)")
        #expect(byKind.stdout.contains("LISTED  sku 'lvm40001'"))
        #expect(byKind.stdout.contains("not listed  sku 'notlisted1'"))
        let alone = try await cli.run(["check", "--data", cli.data, "--kind", "sku"])
        #expect(alone.status == 2 && alone.stderr.contains("--kind goes with --file"), "\(alone.stderr)")
    }

    @Test("dispute another member's assertion; check and audit show both origins")
    func dispute() async throws {
        let cli = try CommandRunner()
        defer { cli.remove() }
        try await cli.initialize()
        let seller = try Identifier(kind: .seller, value: "bazaar:Authorized Reseller 7")
        try await cli.receiveLog(of: "brand-b", asserting: [Submission(identifier: seller, confidence: 65)])

        let listed = try await cli.run(["check", "--data", cli.data, "seller", "BAZAAR:authorized reseller 7"])
        #expect(listed.status == 0)
        #expect(listed.stdout.contains("by brand-b: confidence 65"))

        let own = try await cli.run(["retract", "--data", cli.data, "seller", "bazaar:authorized reseller 7"])
        #expect(own.status == 2)
        #expect(own.stderr.contains("only an indicator's origin can retract it"))
        let unknownOrigin = try await cli.run([
            "dispute", "--data", cli.data, "seller", "bazaar:authorized reseller 7", "--origin", "market-c",
            "--reason", "authorized-reseller",
        ])
        #expect(unknownOrigin.status == 2)
        #expect(unknownOrigin.stderr.contains("market-c has no assertion"))

        try await cli.succeed([
            "dispute", "--data", cli.data, "seller", "bazaar:authorized reseller 7", "--origin", "brand-b",
            "--reason", "authorized-reseller", "--note", "contract 2026-17",
        ])
        let disputed = try await cli.run(["check", "--data", cli.data, "seller", "bazaar:authorized reseller 7"])
        #expect(disputed.status == 0)
        #expect(disputed.stdout.contains("disputed by brand-a"))
        #expect(disputed.stdout.contains("authorized-reseller"))

        let audit = try await cli.run(["audit", "--data", cli.data, "seller", "bazaar:authorized reseller 7", "--json"])
        #expect(audit.status == 0, "\(audit.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(audit.stdout.utf8)) as? [String: Any])
        #expect(report["verified"] as? Bool == true)
        let entries = try #require(report["entries"] as? [[String: Any]])
        #expect(entries.map { $0["origin"] as? String } == ["brand-a", "brand-b"])
        #expect(entries.map { $0["action"] as? String } == ["dispute", "assert"])
        #expect(
            entries.allSatisfy {
                $0["inclusion_verified"] as? Bool == true && $0["signature_verified"] as? Bool == true
            }
        )
    }

    @Test("audit names an entry whose stored bytes were altered; the proofs over it fail, verify-store says where")
    func auditDetectsTampering() async throws {
        let cli = try CommandRunner()
        defer { cli.remove() }
        try await cli.initialize()
        try await cli.succeed(["submit", "--data", cli.data, "sku", "TAMPER-0"])
        try await cli.succeed(["submit", "--data", cli.data, "sku", "TAMPER-1", "--note", "aaaa"])
        try await cli.succeed(["submit", "--data", cli.data, "sku", "TAMPER-2"])
        // Change one letter of entry 1's note behind the store's back, as someone with the database file could.
        let store = cli.data + "/hallmark.sqlite"
        try await StoreTampering.alterEntries(ofStoreAt: store, origin: "brand-a") { index, bytes in
            guard index == 1, let position = bytes.lastIndex(of: UInt8(ascii: "a")) else { return bytes }
            var changed = bytes
            changed[position] = UInt8(ascii: "b")
            return changed
        }
        let audit = try await cli.run(["audit", "--data", cli.data, "sku", "tamper-1"])
        #expect(audit.status == 2)
        #expect(audit.stdout.contains("inclusion proof: FAILED"))
        #expect(audit.stderr.contains("do not verify"))
        // The proofs are computed from the stored bytes, against the latest checkpoint, whose tree holds the altered
        // entry: the other entries' audits fail too, and verify-store names where the log stops verifying.
        #expect(try await cli.run(["audit", "--data", cli.data, "sku", "tamper-2"]).status == 2)
        #expect(try await cli.run(["audit", "--data", cli.data, "sku", "tamper-0"]).status == 2)
        let verification = try await cli.run(["audit", "verify-store", "--data", cli.data])
        #expect(verification.status == 1)
        #expect(verification.stdout.contains("PROBLEM at entry 1"), "\(verification.stdout)")
    }

    @Test("a store another process holds locked is waited for, never called 'not a Hallmark store'")
    func waitsForALockedStore() async throws {
        let cli = try CommandRunner()
        defer { cli.remove() }
        try await cli.initialize()
        try await cli.succeed(["submit", "--data", cli.data, "sku", "LOCKED-1"])
        // Hold the whole database exclusively, as a process replaying the WAL after a crash does, for a second.
        var configuration = Configuration()
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA locking_mode = EXCLUSIVE") }
        let holder = try DatabaseQueue(path: cli.data + "/hallmark.sqlite", configuration: configuration)
        try await holder.write { db in try db.execute(sql: "UPDATE meta SET value = value WHERE key = 'format'") }
        let released = DispatchSemaphore(value: 0)
        DispatchQueue.global().asyncAfter(deadline: .now() + 1) {
            try? holder.close()
            released.signal()
        }
        let check = try await cli.run(["check", "--data", cli.data, "sku", "LOCKED-1"])
        released.wait()
        #expect(check.status == 0, "\(check.stderr)")
        #expect(!check.stderr.contains("not a Hallmark store"))
    }

    @Test("--version prints the release number and the protocol version, with no data folder")
    func version() async throws {
        let cli = try CommandRunner()
        defer { cli.remove() }
        let run = try await cli.succeed(["--version"])
        #expect(run.stdout == "hallmark \(HallmarkVersion.number) (federation protocol 2)\n")
        #expect(HallmarkVersion.number.split(separator: ".").count == 3)
    }

    @Test("HALLMARK_LOG_FORMAT=json writes each log record as one JSON object a line; a bad format is refused")
    func jsonLogs() async throws {
        let cli = try CommandRunner()
        defer { cli.remove() }
        try await cli.initialize(member: "brand-a")
        let run = try await cli.run(
            ["submit", "--data", cli.data, "sku", "LOG-1"],
            environment: ["HALLMARK_LOG_FORMAT": "json", "HALLMARK_LOG_LEVEL": "debug"]
        )
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stderr.split(separator: "\n").map(String.init)
        #expect(!lines.isEmpty)
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            let fields = ["time", "level", "label", "message", "source"].map { object?[$0] is String }
            #expect(!fields.contains(false), "\(line)")
        }
        #expect(lines.contains { $0.contains(#""message":"appended to own log""#) }, "\(run.stderr)")

        let bad = try await cli.run(["status", "--data", cli.data], environment: ["HALLMARK_LOG_FORMAT": "yaml"])
        #expect(bad.status == 2)
        #expect(bad.stderr == "error: HALLMARK_LOG_FORMAT is 'yaml'; it takes text or json\n")
    }

    @Test("init refuses the alliance key of another alliance's CA, naming both; a key file without ca: still works")
    func allianceKeyOfAnotherCA() async throws {
        let cli = try CommandRunner()
        defer { cli.remove() }
        let other = cli.folder.appendingPathComponent("other-alliance").path
        try await cli.succeed(["certs", "init-alliance", "--name", "Other Alliance", "--out", other])
        let otherKey = try String(contentsOfFile: "\(other)/alliance.key", encoding: .utf8)
        #expect(otherKey.contains("\nca: "), "\(otherKey)")

        let dev = CommandRunner.devCertificates.path
        let identity = [
            "--member-cert", "\(dev)/brand-a/member.pem", "--member-key", "\(dev)/brand-a/member-key.pem",
            "--alliance-ca", "\(dev)/ca.pem",
        ]
        let mixed = try await cli.run(
            ["init", "--data", cli.data] + identity + ["--alliance-key", "\(other)/alliance.key"]
        )
        #expect(mixed.status == 2)
        #expect(
            mixed.stderr.contains("this alliance key belongs to another alliance CA")
                && mixed.stderr.contains("\(other)/alliance.key") && mixed.stderr.contains("ca.pem"),
            "\(mixed.stderr)"
        )
        #expect(!FileManager.default.fileExists(atPath: "\(cli.data)/hallmark.sqlite"))

        // A key file from before the ca: line: nothing to compare, accepted.
        let devKey = try String(contentsOfFile: "\(dev)/alliance.key", encoding: .utf8)
        let older = devKey.split(separator: "\n").filter { !$0.hasPrefix("ca:") }.joined(separator: "\n") + "\n"
        let olderFile = try cli.write("older.key", Data(older.utf8))
        try await cli.succeed(["init", "--data", cli.data] + identity + ["--alliance-key", olderFile])
    }

    @Test("files saved with a UTF-8 byte-order mark (spreadsheets, Windows editors) import like files without one")
    func byteOrderMark() async throws {
        let cli = try CommandRunner()
        defer { cli.remove() }
        try await cli.initialize(member: "brand-a")
        let mark: [UInt8] = [0xEF, 0xBB, 0xBF]
        let csv = try cli.write("sheet.csv", mark + Array("kind,value\r\nsku,BOM-1\r\n".utf8))
        let csvRun = try await cli.succeed(["import", "--data", cli.data, csv])
        #expect(csvRun.stdout.contains("imported 1 lines"), "\(csvRun.stdout)")
        let jsonl = try cli.write("lines.jsonl", mark + Array(#"{"kind": "sku", "value": "BOM-2"}"#.utf8) + [0x0A])
        let jsonlRun = try await cli.succeed(["import", "--data", cli.data, jsonl])
        #expect(jsonlRun.stdout.contains("imported 1 lines"), "\(jsonlRun.stdout)")
        let allow = try cli.write("allow.csv", mark + Array("kind,value\nseller,shopmart:partner\n".utf8))
        try await cli.succeed(["allowlist", "import", "--data", cli.data, allow])
        for sku in ["BOM-1", "BOM-2"] {
            #expect(try await cli.run(["check", "--data", cli.data, "sku", sku]).status == 0)
        }
    }

    @Test("JSON Lines import, and HALLMARK_DATA chooses the store")
    func jsonLines() async throws {
        let cli = try CommandRunner()
        defer { cli.remove() }
        try await cli.initialize()
        let lines = """
            {"kind": "seller", "value": "bazaar:Ｆａｋｅ", "confidence": 77, "reason": "counterfeit", "note": "full-width"}

            {"kind": "url", "value": "HTTP://Example.com:80/a/./b/../c"}
            """
        let file = try cli.write("batch.jsonl", Data(lines.utf8))
        let result = try await cli.run(["import", file], environment: ["HALLMARK_DATA": cli.data])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("2 appended"))
        #expect(try await cli.run(["check", "--data", cli.data, "seller", "bazaar:fake"]).status == 0)
        #expect(try await cli.run(["check", "--data", cli.data, "url", "http://example.com/a/c"]).status == 0)
    }

    @Test("bad input: one-line error, exit 2, nothing stored changes")
    func badInput() async throws {
        let cli = try CommandRunner()
        defer { cli.remove() }
        try await cli.initialize()
        try await cli.succeed(["submit", "--data", cli.data, "sku", "keep-me"])
        let before = try await cli.status()

        func rejects(_ arguments: [String], saying fragment: String, sourceLocation: SourceLocation = #_sourceLocation)
            async throws
        {
            let result = try await cli.run(arguments)
            #expect(result.status == 2, "\(arguments)", sourceLocation: sourceLocation)
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count == 1, "\(result.stderr)", sourceLocation: sourceLocation)
            #expect(result.stderr.hasPrefix("error: "), sourceLocation: sourceLocation)
            #expect(result.stderr.contains(fragment), "\(result.stderr)", sourceLocation: sourceLocation)
        }

        try await rejects(["submit", "--data", cli.data, "seller", "   "], saying: "empty")
        try await rejects(["submit", "--data", cli.data, "sku", String(repeating: "x", count: 1_500)], saying: "1024")
        try await rejects(["submit", "--data", cli.data, "url", "http://"], saying: "url")
        try await rejects(["submit", "--data", cli.data, "url", "ftp://example.com/x"], saying: "url")
        try await rejects(["submit", "--data", cli.data, "image-pdq", "abc123"], saying: "64 hex digits")
        try await rejects(["submit", "--data", cli.data, "colour", "red"], saying: "unknown indicator kind 'colour'")
        try await rejects(["check", "--data", cli.data, "colour", "red"], saying: "unknown indicator kind")
        try await rejects(["submit", "--data", cli.data, "sku", "ok", "--confidence", "101"], saying: "confidence")
        try await rejects(["submit", "--data", cli.data, "sku", "ok", "--reason", "Not A Code!"], saying: "reason")
        try await rejects(["submit", "--data", cli.data, "sku", "ok", "--expires", "soon"], saying: "expiry 'soon'")

        // Invalid UTF-8 and a bad line in a file: the file is rejected whole, naming the line.
        var bytes = Array("kind,value\nsku,fine-1\nsku,fine-2\nseller,".utf8)
        bytes += [0xC3, 0x28]
        bytes += Array("\nsku,fine-3\n".utf8)
        let invalidUTF8 = try cli.write("bad-utf8.csv", bytes)
        try await rejects(["import", "--data", cli.data, invalidUTF8], saying: "bad-utf8.csv:4")
        try await rejects(["import", "--data", cli.data, invalidUTF8], saying: "UTF-8")
        let badLine = try cli.write("bad-line.csv", Data("kind,value,confidence\nsku,a1,90\nsku,a2,high\n".utf8))
        try await rejects(["import", "--data", cli.data, badLine], saying: "bad-line.csv:3: confidence")
        let badJSON = try cli.write("bad.jsonl", Data("{\"kind\":\"sku\",\"value\":\"a\"}\n{\"kind\":\"sku\"\n".utf8))
        try await rejects(["import", "--data", cli.data, badJSON], saying: "bad.jsonl:2")
        let badKind = try cli.write("bad-kind.jsonl", Data("{\"kind\":\"colour\",\"value\":\"red\"}\n".utf8))
        try await rejects(["import", "--data", cli.data, badKind], saying: "bad-kind.jsonl:1")
        let checkList = try cli.write("list.txt", bytes)
        try await rejects(["check", "--data", cli.data, "--file", checkList], saying: "list.txt:")
        try await rejects(["import", "--data", cli.data, cli.folder.path + "/missing.csv"], saying: "missing.csv")

        // A folder that is not a store, and a file that is not a Hallmark database.
        let empty = cli.folder.appendingPathComponent("empty").path
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        try await rejects(["status", "--data", empty], saying: "not a Hallmark data folder")
        let fake = cli.folder.appendingPathComponent("fake").path
        try FileManager.default.createDirectory(atPath: fake, withIntermediateDirectories: true)
        _ = try cli.write("fake/hallmark.sqlite", Data("this is not SQLite".utf8))
        try await rejects(["check", "--data", fake, "sku", "x"], saying: "not a Hallmark store")

        // Credentials: a key that does not match, a certificate from another alliance.
        let dev = CommandRunner.devCertificates.path
        func initialize(cert: String, key: String, ca: String = "\(dev)/ca.pem") async -> [String] {
            [
                "init", "--data", cli.folder.appendingPathComponent("other").path, "--member-cert", cert,
                "--member-key", key, "--alliance-ca", ca, "--alliance-key", "\(dev)/alliance.key",
            ]
        }
        try await rejects(
            initialize(cert: "\(dev)/brand-a/member.pem", key: "\(dev)/brand-b/member-key.pem"),
            saying: "match"
        )
        let rogue = cli.folder.appendingPathComponent("rogue").path
        try await cli.succeed(["certs", "init-alliance", "--name", "Rogue", "--out", rogue])
        try await cli.succeed([
            "certs", "issue-member", "--alliance", rogue, "--member", "brand-a", "--name", "Impostor",
            "--host", "localhost", "--out", rogue + "/brand-a",
        ])
        try await rejects(
            initialize(cert: rogue + "/brand-a/member.pem", key: rogue + "/brand-a/member-key.pem"),
            saying: "member.pem"
        )
        #expect(
            !FileManager.default.fileExists(atPath: cli.folder.appendingPathComponent("other/hallmark.sqlite").path)
        )
        // Re-initializing an existing store is refused.
        try await rejects(
            initialize(cert: "\(dev)/brand-a/member.pem", key: "\(dev)/brand-a/member-key.pem").map {
                $0 == cli.folder.appendingPathComponent("other").path ? cli.data : $0
            },
            saying: "already exists"
        )

        // Nothing stored changed.
        let after = try await cli.status()
        #expect(after["own_log_size"] as? Int == before["own_log_size"] as? Int)
        #expect(after["entries"] as? Int == 1)
        #expect(try await cli.run(["check", "--data", cli.data, "sku", "KEEP ME"]).status == 0)
    }

    @Test("certs: files, modes, no overwrite without --force")
    func certificates() async throws {
        let cli = try CommandRunner()
        defer { cli.remove() }
        let alliance = cli.folder.appendingPathComponent("alliance").path
        try await cli.succeed(["certs", "init-alliance", "--name", "Test Alliance", "--out", alliance])
        try await cli.succeed([
            "certs", "issue-member", "--alliance", alliance, "--member", "brand-x", "--name", "Brand X",
            "--host", "node.brand-x.example", "--host", "127.0.0.1", "--out", alliance + "/brand-x",
        ])
        func mode(_ path: String) async throws -> Int {
            (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? -1
        }
        await #expect(try mode(alliance + "/ca-key.pem") == 0o600)
        await #expect(try mode(alliance + "/alliance.key") == 0o600)
        await #expect(try mode(alliance + "/brand-x/member-key.pem") == 0o600)
        await #expect(try mode(alliance + "/ca.pem") == 0o644)
        let again = try await cli.run(["certs", "init-alliance", "--name", "Test Alliance", "--out", alliance])
        #expect(again.status == 2)
        #expect(again.stderr.contains("--force"))
        try await cli.succeed(["certs", "init-alliance", "--name", "Test Alliance", "--out", alliance, "--force"])

        // Revoke a member, and install the list in another member's node.
        for member in ["brand-x", "brand-y"] {
            try await cli.succeed([
                "certs", "issue-member", "--alliance", alliance, "--member", member, "--name", member,
                "--host", "localhost", "--out", "\(alliance)/\(member)", "--force",
            ])
        }
        try await cli.succeed([
            "init", "--data", cli.data, "--member-cert", "\(alliance)/brand-x/member.pem",
            "--member-key", "\(alliance)/brand-x/member-key.pem", "--alliance-ca", "\(alliance)/ca.pem",
            "--alliance-key", "\(alliance)/alliance.key",
        ])
        let revoked = try await cli.succeed([
            "certs", "revoke", "--alliance", alliance, "--member-cert", "\(alliance)/brand-y/member.pem",
            "--reason", "keyCompromise",
        ])
        #expect(revoked.stdout.contains("brand-y"))
        let installed = try await cli.succeed([
            "certs", "install-revocations", "--data", cli.data, "\(alliance)/revocations.pem",
        ])
        #expect(installed.stdout.contains("installed revocation list number 1 (1 revoked certificates)"))
        #expect(try await cli.status()["revocation_list_number"] as? Int == 1)
        let repeated = try await cli.run([
            "certs", "install-revocations", "--data", cli.data, "\(alliance)/revocations.pem",
        ])
        #expect(repeated.status == 0, "\(repeated.stderr)")
    }
}
