import Foundation
import HallmarkCore
import HallmarkEvidence
import HallmarkFederation
import HallmarkMember
import HallmarkPKI
import HallmarkTestSupport
import Testing

/// Evidence bundles from a real federation sync over mutual TLS, verified by the Swift verifier and by the
/// independent Python one (`Tests/interop/verify_evidence.py`), with every alteration caught by both under the same
/// check name.
///
/// Without python3 and cryptography the Python half is skipped with a printed note, and fails when `CI` is set.
@Suite("Evidence bundles from a federated sync, checked by two verifiers")
struct EvidenceInteropTests {
    @Test(
        "brand-a's entry, synced to market-c through brand-b, and each alteration of its bundle",
        .enabled(if: ExternalTool.pythonCryptography.shouldRun, "python3 with cryptography is missing")
    )
    func bothVerifiers() async throws {
        try ExternalTool.pythonCryptography.require()
        try await ServingNode.withNodes(["brand-a", "brand-b", "market-c"]) { nodes in
            let (a, b, c) = (nodes[0], nodes[1], nodes[2])
            let seller = try Identifier(kind: .seller, value: "shopmart:federated fake")
            let others = try (0..<30).map { try Identifier(kind: .seller, value: "shopmart:federated \($0)") }
            try await a.member.submit(
                [Submission(identifier: seller, confidence: 90, note: "two test buys")]
                    + others.map { Submission(identifier: $0) }
            )
            try await b.member.submit([Submission(identifier: seller, confidence: 50)])
            #expect(try await b.sync(from: a).rejected.isEmpty)
            #expect(try await c.sync(from: b).rejected.isEmpty)

            let bundle = try await c.member.evidence(about: seller)
            #expect(bundle.entries.map(\.origin) == ["brand-a", "brand-b"])
            #expect(bundle.entries[0].hops.map(\.from) == ["brand-b"])
            let trust = try AllianceTrust.load(caFile: DevelopmentAlliance.folder.appendingPathComponent("ca.pem"))
            let verifier = EvidenceVerifier(trust: trust)

            let folder = DevelopmentAlliance.temporaryFolder("hallmark-evidence-interop")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let validPath = folder.appendingPathComponent("valid.json").path
            try bundle.jsonData().write(to: URL(fileURLWithPath: validPath))
            #expect(await verifier.verify(bundle).isValid)
            let cases = try await EvidenceTampering.cases(of: bundle, producer: c.member)
            var paths: [String] = []
            for tampered in cases {
                let url = folder.appendingPathComponent("\(tampered.name).json")
                try tampered.data.write(to: url)
                paths.append(url.path)
            }

            let run = try await ExternalTool.run(
                "python3",
                [
                    DevelopmentAlliance.repositoryRoot.appendingPathComponent("Tests/interop/verify_evidence.py").path,
                    "--alliance-ca", InteropTests.dev("ca.pem"),
                ] + [validPath] + paths
            )
            #expect(run.status == 2, "\(run.output)")
            let python = Self.verdicts(run.output)
            #expect(python[validPath] == "VERDICT: VALID", "\(run.output)")
            for (tampered, path) in zip(cases, paths) {
                let pythonVerdict: String = python[path] ?? "no verdict"
                if let expected = tampered.expectedCheck {
                    let verdict = try await verifier.verify(json: tampered.data)
                    #expect(verdict.firstFailure?.name == expected, "\(tampered.name): \(verdict.text)")
                    #expect(
                        pythonVerdict.hasPrefix("VERDICT: INVALID. Check '\(expected)' failed"),
                        "\(tampered.name): \(pythonVerdict)"
                    )
                } else {
                    let error = try await #require(throws: HallmarkError.self) {
                        try await verifier.verify(json: tampered.data)
                    }
                    #expect(error.code == .malformed, "\(tampered.name): \(error)")
                    #expect(pythonVerdict.hasPrefix("VERDICT: UNREADABLE."), "\(tampered.name): \(pythonVerdict)")
                }
            }
        }
    }

    /// The Python verifier's `VERDICT:` line per file.
    static func verdicts(_ output: String) -> [String: String] {
        var verdicts: [String: String] = [:]
        var current: String?
        for line in output.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("== ") {
                current = String(line.dropFirst(3))
            } else if line.hasPrefix("VERDICT: "), let file = current {
                verdicts[file] = String(line)
            }
        }
        return verdicts
    }
}
