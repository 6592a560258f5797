import Foundation
import HallmarkCore
import HallmarkFederation
import HallmarkMember
import HallmarkRecords
import Logging

/// New entries reaching a check two hops away: three real nodes in a line brand-a — brand-b — market-c over mutual
/// TLS on loopback, each following the next one up with a sync loop and its watch stream (`PeerSync`), and keeping
/// its filter (`FilterMaintenance`), as a node configured with that peer does. First every node holds `held` entries
/// of brand-a's log (brand-a submits them, brand-b and market-c sync them down the line). Then, once a second, brand-a
/// submits `perRound` new sellers under one signed checkpoint; a round's latency runs from the start of that
/// submission until market-c's check lists the last of them (checked every millisecond), and brand-b's hop is timed
/// the same way. Rounds start a second apart, as an origin's checkpoints would: back to back, they would exceed the
/// rate at which a node serves one origin's log to a peer (2 a second by default), and measure its refusals.
func incrementalSection(options: BenchmarkOptions) async {
    print("## New entries two hops away\n")
    do {
        try await IncrementalSyncBenchmark(
            held: options.incrementalHeld,
            batchSize: options.syncBatch,
            rounds: options.incrementalRounds
        ).run()
    } catch {
        print("failed: \(error)\n")
    }
}

/// The two-hop latency measurement.
struct IncrementalSyncBenchmark {
    let held: Int
    let batchSize: Int
    let rounds: Int
    /// New entries per round.
    let perRound = 1_000
    /// The time from one round's start to the next's, at least.
    let roundInterval = Duration.seconds(1)
    /// How long a round may take before it counts as lost.
    let roundLimit = Duration.seconds(60)
    let clock = ContinuousClock()
    /// The cold-sync benchmark's node set-up and figures.
    let nodes = SyncBenchmark(entryCount: 0, batchSize: 1)

    func run() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("hallmark-hops-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let logger = nodes.logger
        var members: [Member] = []
        for name in ["brand-a", "brand-b", "market-c"] { members.append(try await nodes.node(name, in: root)) }
        let (a, b, c) = (members[0], members[1], members[2])

        var table = ResultTable()
        table.add("load average before", SyncBenchmark.loadAverage(), "")
        // brand-a's log before the rounds, in signed batches.
        let setUp = clock.now
        for first in stride(from: 0, to: held, by: batchSize) {
            try await a.submit(
                try (first..<min(first + batchSize, held)).map { i in
                    Submission(identifier: try Identifier(kind: .seller, value: "shopmart:held seller \(i)"))
                }
            )
        }

        let servers = try members.map { try FederationServer(member: $0, host: "127.0.0.1", port: 0, logger: logger) }
        var tasks = servers.map { server in Task { try await server.serve() } }
        var ports: [Int] = []
        for server in servers { ports.append(try await server.port) }
        // The line, downstream: brand-b follows brand-a, market-c follows brand-b.
        for (node, peer) in [(1, 0), (2, 1)] {
            let sync = PeerSync(
                engine: SyncEngine(member: members[node], logger: logger),
                peer: PeerAddress(member: members[peer].identity.member, host: "127.0.0.1", port: ports[peer]),
                lock: PullLock(),
                logger: logger
            )
            tasks.append(Task { try await sync.run() })
        }
        // Each node keeps its filter as a running node does (a filter outgrown is rebuilt in the background).
        for member in members {
            let maintenance = FilterMaintenance(member: member, logger: logger)
            tasks.append(Task { try await maintenance.run() })
        }
        defer {
            for task in tasks { task.cancel() }
            for server in servers { server.shutDown() }
        }
        // Asks market-c for brand-a's log head, one row: a status would count every listed indicator each time.
        while try await c.logHead(of: a.identity.member)?.treeSize ?? 0 < UInt64(held) {
            guard clock.now - setUp < .seconds(7_200) else {
                throw HallmarkError(.peerProblem, "market-c did not receive brand-a's \(held) entries within 2 hours")
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        table.add("entries every node holds before the rounds", "\(held)", "")
        table.add("set-up: brand-a's log built, synced down the line", "\(SyncBenchmark.text(clock.now - setUp)) s", "")

        var toB: [Duration] = []
        var toC: [Duration] = []
        var submits: [Duration] = []
        var lost = 0
        for round in 0..<rounds {
            let identifiers = try (0..<perRound).map { i in
                try Identifier(kind: .seller, value: "shopmart:round \(round) seller \(i)")
            }
            guard let last = identifiers.last else { break }
            let start = clock.now
            try await a.submit(identifiers.map { Submission(identifier: $0) })
            submits.append(clock.now - start)
            var reachedB: Duration?
            var reachedC: Duration?
            while reachedC == nil, clock.now - start < roundLimit {
                if reachedB == nil, try await b.check(last).isListed { reachedB = clock.now - start }
                if try await c.check(last).isListed { reachedC = clock.now - start }
                try await Task.sleep(for: .milliseconds(1))
            }
            if let reachedC {
                toC.append(reachedC)
                toB.append(reachedB ?? reachedC)
            } else {
                lost += 1
            }
            let next = start + roundInterval
            if clock.now < next { try await Task.sleep(until: next, clock: clock) }
        }

        let roundsDone = "\(rounds), \(lost) lost"
        table.add("rounds (\(perRound) new entries each, one checkpoint, a second apart)", roundsDone, "")
        table.add("brand-a: submit + sign + commit, p50 / p99", Self.percentiles(submits), "")
        table.add("reaching brand-b's check (one hop), p50 / p99", Self.percentiles(toB), "")
        table.add("**reaching market-c's check (two hops), p50 / p99**", Self.percentiles(toC), "")
        table.add("reaching market-c's check, max", Self.milliseconds(toC.max() ?? .zero), "")
        table.add("load average after", SyncBenchmark.loadAverage(), "")
        table.print(headers: ("measure", "Hallmark", ""))
        print("")
        for member in members { try await member.close() }
    }

    /// "p50 / p99 ms" of `times` (nearest rank).
    static func percentiles(_ times: [Duration]) -> String {
        let sorted = times.sorted()
        guard !sorted.isEmpty else { return "none" }
        func rank(_ percent: Int) -> Duration { sorted[min(sorted.count - 1, (sorted.count * percent + 99) / 100 - 1)] }
        return "\(milliseconds(rank(50))) / \(milliseconds(rank(99)))"
    }

    static func milliseconds(_ duration: Duration) -> String {
        "\(SyncBenchmark.fixed(SyncBenchmark.seconds(duration) * 1000, 0)) ms"
    }
}
