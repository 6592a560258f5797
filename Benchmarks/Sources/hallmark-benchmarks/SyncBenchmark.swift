import Foundation
import HallmarkCore
import HallmarkFederation
import HallmarkMember
import HallmarkRecords
import HallmarkStore
import Logging

/// A cold sync between two real nodes over mutual TLS on loopback: development member brand-a submits the
/// entries (in signed batches), serves them with its federation listener, and brand-b, empty, runs one
/// `SyncEngine.syncOnce` against it — every chunk fully verified against the signed checkpoint and committed.
/// The budget (docs/ARCHITECTURE.md): 1 M entries in at most 10 s on this 2-core machine.
///
/// Then, to show where the time goes, the same chunks are replayed in-process into a third node (market-c)
/// without gRPC, each step timed on its own, one after the other (the sync overlaps them).
func syncSection(options: BenchmarkOptions) async {
    print("## Cold sync between two nodes\n")
    do {
        try await SyncBenchmark(entryCount: options.syncEntries, batchSize: options.syncBatch).run()
    } catch {
        print("failed: \(error)\n")
    }
}

/// The cold-sync measurement and its breakdown.
struct SyncBenchmark {
    let entryCount: Int
    let batchSize: Int
    /// What `SyncEngine` asks per chunk (`FederationLimits.defaultEntriesPerChunk`).
    let chunkSize = FederationLimits.defaultEntriesPerChunk
    let logger: Logger = {
        // Nodes log every received chunk at `info`: keep the benchmark's output to its tables.
        var logger = Logger(label: "benchmark")
        logger.logLevel = .warning
        return logger
    }()
    let clock = ContinuousClock()

    func run() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("hallmark-sync-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let a = try await node("brand-a", in: root)
        let b = try await node("brand-b", in: root)

        var table = ResultTable()
        table.add("entries", "\(entryCount)", "")
        table.add("load average before", Self.loadAverage(), "")

        // Node A's log: batches of assertions, each its own signed checkpoint.
        var submitTime = Duration.zero
        for first in stride(from: 0, to: entryCount, by: batchSize) {
            let submissions = try (first..<min(first + batchSize, entryCount)).map { i in
                Submission(
                    identifier: try Identifier(kind: .seller, value: "shopmart:sync seller \(i)"),
                    confidence: 80
                )
            }
            let start = clock.now
            try await a.submit(submissions)
            submitTime += clock.now - start
        }
        table.add(
            "A: submit + sign + commit, batches of \(batchSize)",
            "\(Self.text(submitTime)) s, \(Self.rate(entryCount, submitTime))",
            ""
        )

        let server = try FederationServer(member: a, host: "127.0.0.1", port: 0, logger: logger)
        let serving = Task { try await server.serve() }
        let peer = PeerAddress(member: a.identity.member, host: "127.0.0.1", port: try await server.port)
        print("A holds \(entryCount) entries and listens on port \(peer.port); B syncs…\n")

        // A round that ends early (a lost connection, a failed call) keeps the chunks it committed, and the next round
        // resumes after them, as a node's periodic sync would.
        let cpuBefore = Self.processorTime()
        var syncTime = Duration.zero
        var rounds: [(time: Duration, held: Int, report: SyncReport)] = []
        var held = 0
        while held < entryCount, rounds.count < 10 {
            let start = clock.now
            let report = try await SyncEngine(member: b, logger: logger).syncOnce(with: peer)
            let time = clock.now - start
            syncTime += time
            let now = try await b.status().store.entryCount
            rounds.append((time, now, report))
            if now == held { break }
            held = now
        }
        let cpu = Self.processorTime() - cpuBefore
        server.shutDown()
        _ = await serving.result

        table.add("B: cold sync, chunks of \(chunkSize), verified + committed", "\(Self.text(syncTime)) s", "")
        table.add("B: sync rate", Self.rate(held, syncTime), "")
        table.add(
            "CPU during sync (both nodes, one process)",
            "\(Self.fixed(cpu, 1)) s = \(Self.fixed(cpu / Self.seconds(syncTime), 2)) cores",
            ""
        )
        table.add("B: entries held after sync", "\(held)", "")
        for (number, round) in rounds.enumerated() {
            let outcome =
                round.report.interrupted.map { "interrupted: \($0)" }
                ?? round.report.rejected.first.map { "rejected: \($0.reason)" } ?? "complete"
            table.add("B: round \(number + 1)", "\(Self.text(round.time)) s, \(round.held) held, \(outcome)", "")
        }
        table.add("load average after", Self.loadAverage(), "")
        table.print(headers: ("measure", "Hallmark", ""))
        print("")
        guard held == entryCount else {
            throw HallmarkError(.proofMismatch, "B holds \(held) of \(entryCount) entries")
        }

        try await breakdown(source: a, into: try await node("market-c", in: root), syncTime: syncTime)
        try await a.close()
        try await b.close()
        // Closed, each store's write-ahead log is checkpointed into its file and removed: the file is the store.
        for (node, member) in [("A (origin)", "brand-a"), ("B (receiver)", "brand-b")] {
            let file = root.appendingPathComponent(member).appendingPathComponent(HallmarkStore.databaseFileName)
            let bytes = try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int ?? 0
            print("\(node): store on disk \(bytes) B, \(Self.fixed(Double(bytes) / Double(entryCount), 1)) B per entry")
        }
        print("")
    }

    /// Replays the sync's steps chunk by chunk in-process, without gRPC, timing each step; chunks are committed
    /// in groups as `SyncEngine` commits them (``SyncEngine/maximumEntriesPerCommit`` entries per transaction).
    private func breakdown(source a: Member, into c: Member, syncTime: Duration) async throws {
        let origin = a.identity.member
        guard let checkpoint = try await a.latestCheckpoint(of: origin),
            let certificatePEM = try await a.certificatePEM(of: origin)
        else { throw HallmarkError(.notFound, "A holds no checkpoint") }
        // The store's own steps, timed below the member layer: a second handle on each node's folder.
        let source = try HallmarkStore.open(in: try await a.status().dataDirectory, logger: logger)
        let target = try HallmarkStore.open(in: try await c.status().dataDirectory, logger: logger)
        let size = checkpoint.treeSize
        let checkpointBytes = checkpoint.encoded()

        // Server: the in-memory tree its first FetchLog builds, then each chunk's entries and right subtrees.
        var start = clock.now
        var tree = MerkleTree()
        tree.append(contentsOf: try await source.leafHashes(of: origin, range: 0..<size))
        let treeTime = clock.now - start

        var read = Duration.zero, decode = Duration.zero, merkle = Duration.zero
        var verify = Duration.zero, commit = Duration.zero
        var frontier = MerkleFrontier()
        var group: [LogBatch] = []
        var commits = 0
        func commitGroup() async throws {
            // Client: the origin's certificate against the alliance CA and the checkpoint's signature, once per
            // transaction (Member.receive), then the SQLite transaction (entries, fold, filter).
            start = clock.now
            let key = try await c.identity.verifiedSigningKey(certificatePEM: certificatePEM, of: origin)
            try checkpoint.verifySignature(using: key)
            verify += clock.now - start
            start = clock.now
            _ = try await target.append(contentsOf: group)
            commit += clock.now - start
            commits += 1
            group.removeAll()
        }
        var first: UInt64 = 0
        while first < size {
            let end = min(first + UInt64(chunkSize), size)
            start = clock.now
            let entries = try await a.entryBytes(of: origin, range: first..<end)
            let rightSubtrees = try tree.subtreeHashes(from: end, to: size)
            read += clock.now - start

            // Client: decode the chunk as SyncEngine does (each entry's leaf hash is computed with it).
            start = clock.now
            let received = try Checkpoint(decoding: checkpointBytes)
            var items: [LogBatch.Item] = []
            items.reserveCapacity(entries.count)
            for bytes in entries { items.append(LogBatch.Item(entry: try Entry(decoding: bytes), bytes: bytes)) }
            var batch = LogBatch(
                origin: origin,
                items: items,
                checkpoint: received,
                receivedFrom: origin,
                rightSubtrees: rightSubtrees
            )
            batch.originCertificate = (certificatePEM, "benchmark")
            decode += clock.now - start

            // Client: the chunk against the signed root, before it is queued for commit.
            start = clock.now
            frontier = try batch.extending(frontier)
            merkle += clock.now - start

            group.append(batch)
            if group.reduce(0, { $0 + $1.items.count }) + chunkSize > SyncEngine.maximumEntriesPerCommit {
                try await commitGroup()
            }
            first = end
        }
        if !group.isEmpty { try await commitGroup() }
        let steps = [treeTime, read, decode, merkle, verify, commit].reduce(Duration.zero, +)
        let chunks = (Int(size) + chunkSize - 1) / chunkSize

        var table = ResultTable()
        func add(_ step: String, _ time: Duration) {
            table.add(
                step,
                "\(Self.text(time)) s",
                "\(Self.fixed(Self.seconds(time) / Self.seconds(syncTime) * 100, 0)) %"
            )
        }
        add("server: Merkle tree of the log (leaf hashes read once)", treeTime)
        add("server: read \(chunks) chunks' entries + right subtrees", read)
        add("client: decode checkpoint + entries, leaf hashes", decode)
        add("client: Merkle check of each chunk against the signed root", merkle)
        add("client: verify certificate + signature, per transaction", verify)
        add("client: SQLite commit, \(commits) transactions (store.append)", commit)
        add("sum of the steps, one after the other, no network", steps)
        print(
            "Where the time goes (the same \(size) entries replayed in-process into a third node, one step at a time):\n"
        )
        table.print(headers: ("step", "time", "of the sync"))
        print("")
        try await c.close()
    }

    /// The development alliance, `Certificates/dev` of the repository.
    static let devFolder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Certificates/dev")

    func node(_ member: String, in root: URL) async throws -> Member {
        let dev = Self.devFolder
        return try await Member.initialize(
            dataDirectory: root.appendingPathComponent(member),
            memberCertificate: dev.appendingPathComponent("\(member)/member.pem"),
            memberKey: dev.appendingPathComponent("\(member)/member-key.pem"),
            allianceCA: dev.appendingPathComponent("ca.pem"),
            allianceKey: dev.appendingPathComponent("alliance.key"),
            logger: logger
        )
    }

    static func text(_ duration: Duration) -> String { fixed(seconds(duration), 2) }

    static func seconds(_ duration: Duration) -> Double {
        let (whole, fraction) = duration.components
        return Double(whole) + Double(fraction) / 1e18
    }

    static func fixed(_ value: Double, _ digits: Int) -> String { ResultTable.fixed(value, digits) }

    static func rate(_ count: Int, _ duration: Duration) -> String {
        let rate = Double(count) / seconds(duration)
        return rate >= 1e6 ? "\(fixed(rate / 1e6, 2)) M entries/s" : "\(fixed(rate / 1e3, 1)) k entries/s"
    }

    /// CPU seconds used by all threads of this process so far.
    static func processorTime() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// The 1, 5 and 15 minute load averages, from /proc/loadavg.
    static func loadAverage() -> String {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return "unknown" }
        return text.split(separator: " ").prefix(3).joined(separator: " ")
    }
}
