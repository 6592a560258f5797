import Foundation
import HallmarkCore
import HallmarkEvidence
import HallmarkMember
import HallmarkPKI
import HallmarkRecords
import HallmarkStore
import Logging

/// Provenance: inclusion proofs made and checked per entry of a log of `--evidence-entries` entries (docs/ARCHITECTURE.md: any
/// entry's proof in at most 1 ms), an evidence bundle made and verified, and `verifyStore` over a store holding that
/// log (goal: 1 M entries in at most 5 s).
func evidenceSection(options: BenchmarkOptions) async {
    print("## Provenance: proofs, evidence bundles, store verification\n")
    do {
        try await EvidenceBenchmark(entryCount: options.evidenceEntries, batchSize: options.syncBatch).run()
    } catch {
        print("failed: \(error)\n")
    }
}

/// The provenance measurements.
struct EvidenceBenchmark {
    let entryCount: Int
    let batchSize: Int
    let clock = ContinuousClock()

    func run() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent(
            "hallmark-evidence-\(UUID().uuidString)"
        )
        defer { try? FileManager.default.removeItem(at: root) }
        let helper = SyncBenchmark(entryCount: entryCount, batchSize: batchSize)
        let node = try await helper.node("brand-a", in: root)
        var table = ResultTable()
        table.add("entries in the log", "\(entryCount)", "")
        table.add("load average before", SyncBenchmark.loadAverage(), "")

        var identifiers: [Identifier] = []
        for first in stride(from: 0, to: entryCount, by: batchSize) {
            let submissions = try (first..<min(first + batchSize, entryCount)).map { i in
                Submission(identifier: try Identifier(kind: .seller, value: "shopmart:evidence seller \(i)"))
            }
            if first == 0 { identifiers = submissions.prefix(1_000).compactMap(\.identifier) }
            try await node.submit(submissions)
        }
        let origin = node.identity.member
        let size = UInt64(entryCount)

        // Proofs against a tree already in memory: what a node keeping its trees (as federation's cache does) pays.
        var start = clock.now
        let data = try await node.status().dataDirectory
        let store = try HallmarkStore.open(in: data, logger: Logger(label: "benchmark"))
        let tree = MerkleTree(leafHashes: try await store.leafHashes(of: origin, count: size))
        let load = clock.now - start
        table.add("read \(entryCount) leaf hashes and build the tree", "\(SyncBenchmark.text(load)) s", "")
        var generator = SystemRandomNumberGenerator()
        let indexes = (0..<100_000).map { _ in UInt64.random(in: 0..<size, using: &generator) }
        var generation = Stopwatch()
        let proofs = try generation.time(operations: indexes.count) {
            try indexes.map { try tree.inclusionProof(forIndex: $0, treeSize: size) }
        }
        table.add("inclusion proof, generate (tree in memory)", ResultTable.rate(generation), "")
        let leaves = try indexes.map { try tree.leafHash(at: $0) }
        let treeRoot = tree.root
        var verification = Stopwatch()
        try verification.time(operations: proofs.count) {
            for (proof, leaf) in zip(proofs, leaves) { try proof.verify(leafHash: leaf, root: treeRoot) }
        }
        table.add("inclusion proof, verify", ResultTable.rate(verification), "")

        // A whole bundle: the first reads the origin's leaves into the node's tree cache, the next ones (a running
        // node answering `GET /v1/evidence`) reuse it. Then checked offline.
        start = clock.now
        let bundle = try await node.evidence(about: identifiers[0])
        let build = clock.now - start
        table.add(
            "evidence bundle of 1 entry, first made by a node (tree read from the store)",
            "\(SyncBenchmark.text(build)) s",
            ""
        )
        let rounds = 200
        start = clock.now
        for identifier in identifiers.dropFirst().prefix(rounds) { _ = try await node.evidence(about: identifier) }
        table.add(
            "evidence bundle of 1 entry, next ones (tree kept in memory)",
            "\(ResultTable.fixed(SyncBenchmark.seconds(clock.now - start) / Double(rounds) * 1e3, 2)) ms",
            ""
        )
        let verifier = EvidenceVerifier(trust: node.identity.trust)
        var verified = Duration.zero
        for _ in 0..<rounds {
            start = clock.now
            let verdict = await verifier.verify(bundle)
            verified += clock.now - start
            guard verdict.isValid else { throw HallmarkError(.proofMismatch, "the bundle does not verify") }
        }
        table.add(
            "evidence bundle of 1 entry, verified offline",
            "\(ResultTable.fixed(SyncBenchmark.seconds(verified) / Double(rounds) * 1e3, 2)) ms",
            ""
        )

        // The whole store, as `hallmark audit verify-store` does.
        start = clock.now
        let report = try await node.verifyStore()
        let whole = clock.now - start
        guard report.isClean else { throw HallmarkError(.storeProblem, "the store does not verify") }
        table.add(
            "verify-store: \(entryCount) entries, \(report.logs[0].checkpoints) checkpoints",
            "\(SyncBenchmark.text(whole)) s, \(SyncBenchmark.rate(entryCount, whole))",
            ""
        )
        table.add("load average after", SyncBenchmark.loadAverage(), "")
        table.print(headers: ("measure", "result", ""))
        print("")
        try await node.close()
    }
}
