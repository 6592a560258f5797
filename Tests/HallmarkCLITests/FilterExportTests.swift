import Foundation
import HallmarkCore
import HallmarkMember
import HallmarkTestSupport
import Logging
import Testing

/// `hallmark export filter` read by the Python consumer of `examples/filter-consumer/`, written from
/// Protocol/member-filter.md alone: it agrees with `hallmark check`, applies deltas, and refuses a changed file.
@Suite("hallmark export filter and the reference consumer")
struct FilterExportTests {
    static let consumer = "examples/filter-consumer/hallmark_filter.py"

    /// Runs the consumer on `input` (lines `KIND<TAB>VALUE`) and returns its answers, `maybe` or `no`, in order.
    static func consume(_ input: String, full: String, deltas: [String] = [], in cli: CommandRunner) async throws
        -> (status: Int32, answers: [String], output: String)
    {
        let inputFile = try cli.write("consumer-input-\(UUID()).tsv", Data(input.utf8))
        let command =
            ["python3", consumer, "--filter", full] + deltas.flatMap { ["--delta", $0] } + [
                "--certificate", "Certificates/dev/brand-a/member.pem", "--alliance-key",
                "Certificates/dev/alliance.key",
                "--ca", "Certificates/dev/ca.pem",
            ]
        let run = try await ExternalTool.run(
            "sh",
            ["-c", command.joined(separator: " ") + " < " + inputFile],
            timeout: 300
        )
        let answers = run.output.split(separator: "\n").compactMap { line -> String? in
            let answer = line.prefix { $0 != "\t" }
            return answer == "maybe" || answer == "no" ? String(answer) : nil
        }
        return (run.status, answers, run.output)
    }

    @Test("100 000 identifiers: the consumer agrees with hallmark check; a delta applies; a changed byte is refused")
    func consumerAgrees() async throws {
        guard ExternalTool.pythonCryptography.shouldRun else { return }
        try ExternalTool.pythonCryptography.require()
        let cli = try CommandRunner()
        defer { cli.remove() }
        try await cli.initialize()
        let listed = (0..<50_000).map { "shopmart:seller \($0)" }
        let unlisted = (0..<50_000).map { "shopmart:clean \($0)" }
        let csv = "kind,value\n" + listed.map { "seller,\($0)\n" }.joined()
        try await cli.succeed(["import", "--data", cli.data, try cli.write("sellers.csv", Data(csv.utf8))])
        let full = cli.folder.appendingPathComponent("full.bin").path
        let written = try await cli.succeed([
            "export", "filter", "--data", cli.data, "--out", full, "--kind", "seller", "--json",
        ])
        #expect(written.stdout.contains("\"digests\" : 50000"))

        // hallmark check's answers for all of them, then the consumer's.
        let values = listed + unlisted
        let checkFile = try cli.write("check.txt", Data((values.joined(separator: "\n") + "\n").utf8))
        let check = try await cli.run(["check", "--data", cli.data, "--file", checkFile, "--kind", "seller", "--json"])
        let verdicts = try #require(try JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [[String: Any]])
        let listedByNode = verdicts.map { $0["status"] as? String == "listed" }
        #expect(listedByNode.count == 100_000)
        let consumed = try await Self.consume(values.map { "seller\t\($0)\n" }.joined(), full: full, in: cli)
        try #require(consumed.status == 0, "\(consumed.output.suffix(2_000))")
        try #require(consumed.answers.count == 100_000)
        var falsePositives = 0
        for (node, answer) in zip(listedByNode, consumed.answers) {
            if node {
                #expect(answer == "maybe")
            } else if answer == "maybe" {
                falsePositives += 1
            }
        }
        #expect(listedByNode.filter { $0 }.count == 50_000)
        // Sized for 0.1 %: about 50 of the 50 000 not listed; three times that would mean a wrong filter.
        print("consumer: \(falsePositives) false positives among 50 000 identifiers not listed")
        #expect(falsePositives <= 150)

        // Retract 1 000, list 1 000 more: a delta brings the consumer there.
        let retracted = Array(listed.prefix(1_000))
        let added = (0..<1_000).map { "shopmart:new seller \($0)" }
        let member = try await Member.open(dataDirectory: URL(fileURLWithPath: cli.data), logger: Logger(label: "test"))
        try await member.retract(try retracted.map { try Identifier(kind: .seller, value: $0) })
        try await member.close()
        let additions = "kind,value\n" + added.map { "seller,\($0)\n" }.joined()
        try await cli.succeed(["import", "--data", cli.data, try cli.write("added.csv", Data(additions.utf8))])
        let delta = cli.folder.appendingPathComponent("delta.bin").path
        try await cli.succeed(["export", "filter", "--data", cli.data, "--out", delta, "--against", full])
        let afterDelta = try await Self.consume(
            (retracted + added).map { "seller\t\($0)\n" }.joined(),
            full: full,
            deltas: [delta],
            in: cli
        )
        try #require(afterDelta.status == 0, "\(afterDelta.output.suffix(2_000))")
        #expect(afterDelta.answers.suffix(1_000).allSatisfy { $0 == "maybe" })
        #expect(afterDelta.answers.prefix(1_000).filter { $0 == "maybe" }.count <= 10)

        // One flipped byte in the file's words: the consumer refuses the file before answering anything.
        var bytes = try Data(contentsOf: URL(fileURLWithPath: full))
        bytes[bytes.count / 2] ^= 0x01
        let tampered = cli.folder.appendingPathComponent("tampered.bin").path
        try bytes.write(to: URL(fileURLWithPath: tampered))
        let refused = try await Self.consume("seller\t\(listed[0])\n", full: tampered, in: cli)
        #expect(refused.status == 2)
        #expect(refused.answers.isEmpty)
        #expect(refused.output.contains("error:"))
        #expect(refused.output.lowercased().contains("signature"))
    }

    @Test("the consumer's own unit tests pass (hash, probing, every refusal, deltas)")
    func consumerUnitTests() async throws {
        guard ExternalTool.pythonCryptography.shouldRun else { return }
        try ExternalTool.pythonCryptography.require()
        let run = try await ExternalTool.run(
            "python3",
            ["-m", "unittest", "discover", "-s", "examples/filter-consumer", "-p", "test_*.py"],
            timeout: 300
        )
        #expect(run.status == 0, "\(run.output.suffix(3_000))")
    }

    @Test("bad input: an unknown kind, a delta against a file that is not this member's, a file that exists")
    func badInput() async throws {
        let cli = try CommandRunner()
        defer { cli.remove() }
        try await cli.initialize()
        let out = cli.folder.appendingPathComponent("f.bin").path
        let unknown = try await cli.run(["export", "filter", "--data", cli.data, "--out", out, "--kind", "phone"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("phone"))
        try await cli.succeed(["export", "filter", "--data", cli.data, "--out", out])
        let exists = try await cli.run(["export", "filter", "--data", cli.data, "--out", out])
        #expect(exists.status == 2)
        #expect(exists.stderr.contains("--force"))
        let junk = try cli.write("junk.bin", Data("not a filter".utf8))
        let delta = try await cli.run([
            "export", "filter", "--data", cli.data, "--out", out + ".d", "--against", junk,
        ])
        #expect(delta.status == 2)
        #expect(delta.stderr.contains("file 1"))
        #expect(delta.stderr.contains("bad magic"))
    }
}
