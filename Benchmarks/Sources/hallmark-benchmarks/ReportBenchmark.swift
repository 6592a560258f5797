import Foundation
import HallmarkCore
import HallmarkDocuments
import HallmarkMember
import HallmarkPKI
import HallmarkRecords
import HallmarkReports
import HallmarkStore
import Logging

/// The contribution report (`hallmark audit report`) over a store of `--report-entries` entries: three development
/// members' logs spread over twelve months, each origin's batches signed with its real key and received verified by
/// market-c's node, which then makes the report (whole history and the last 90 days) and renders each format.
func reportSection(options: BenchmarkOptions) async {
    print("## Contribution report\n")
    do {
        try await ReportBenchmark(
            entryCount: options.reportEntries,
            batchSize: options.syncBatch,
            htmlFile: options.reportHTML
        ).run()
    } catch {
        print("failed: \(error)\n")
    }
}

/// The contribution report measurements.
struct ReportBenchmark {
    let entryCount: Int
    let batchSize: Int
    let htmlFile: String?
    let clock = ContinuousClock()
    /// Shares of the entries per origin; market-c makes the report.
    let origins = [("brand-a", 45), ("brand-b", 35), ("market-c", 20)]
    static let day: Int64 = 86_400_000

    func run() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("hallmark-report-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let helper = SyncBenchmark(entryCount: entryCount, batchSize: batchSize)
        let node = try await helper.node("market-c", in: root)
        var table = ResultTable()
        table.add("load average before", SyncBenchmark.loadAverage(), "")

        let now = Timestamp.now()
        let counts = origins.map { entryCount * $0.1 / 100 }
        var start = clock.now
        for (index, (name, _)) in origins.enumerated() {
            let credentials = try MemberCredentials.load(
                certificateFile: SyncBenchmark.devFolder.appendingPathComponent("\(name)/member.pem"),
                keyFile: SyncBenchmark.devFolder.appendingPathComponent("\(name)/member-key.pem")
            )
            let target = (index + 1) % origins.count
            let batches = try log(
                of: credentials,
                count: counts[index],
                disputing: try MemberID(origins[target].0),
                targetAssertions: counts[target] * 45 / 50,
                now: now
            )
            if credentials.memberID == node.identity.member {
                // The member's own log, made here rather than submitted: appended through a store handle of its own.
                let data = try await node.status().dataDirectory
                let store = try HallmarkStore.open(in: data, logger: Logger(label: "benchmark"))
                _ = try await store.append(contentsOf: batches)
            } else {
                try await node.receive(contentsOf: batches, originCertificatePEM: try credentials.certificatePEM())
            }
        }
        let held = try await node.status().store.entryCount
        table.add(
            "store: \(held) entries of 3 members over 12 months, received and committed",
            "\(SyncBenchmark.text(clock.now - start)) s",
            ""
        )

        var report = try await node.contributionReport(now: now)
        let periods: [(String, Timestamp?)] = [
            ("whole history", nil),
            ("last 90 days (--since 90d)", Timestamp(millisecondsSince1970: now.millisecondsSince1970 - 90 * Self.day)),
        ]
        for (label, since) in periods {
            var best = Duration.seconds(1_000)
            for _ in 0..<3 {
                start = clock.now
                report = try await node.contributionReport(since: since, now: now)
                best = min(best, clock.now - start)
            }
            let counted = report.totals.assertions + report.totals.retractions + report.totals.disputesMade
            table.add(
                "report, \(label): \(counted) entries, \(report.months.count) months",
                "\(SyncBenchmark.text(best)) s (best of 3)",
                ""
            )
        }
        report = try await node.contributionReport(now: now)
        let renderings: [(String, () throws -> String)] = [
            ("text", { report.text() }),
            ("json", { String(decoding: try APIDocument.makeEncoder(pretty: true).encode(report), as: UTF8.self) }),
            ("csv", { report.csv() }),
            ("html", { report.html() }),
        ]
        for (format, render) in renderings {
            start = clock.now
            let output = try render()
            let time = clock.now - start
            if format == "html", let htmlFile { try output.write(toFile: htmlFile, atomically: true, encoding: .utf8) }
            table.add(
                "render \(format): \(ResultTable.mebibytes(output.utf8.count))",
                "\(ResultTable.fixed(SyncBenchmark.seconds(time) * 1e3, 1)) ms",
                ""
            )
        }
        table.add("load average after", SyncBenchmark.loadAverage(), "")
        table.print(headers: ("measure", "result", ""))
        print("")
        try await node.close()
    }

    /// One origin's log of `count` entries, times spread evenly over the 360 days before `now`: of every 50 entries,
    /// 45 assert a new indicator (kinds in turn), 2 retract one asserted 100 assertions before, and 3 dispute one of
    /// the `disputing` member's assertions.
    private func log(
        of credentials: MemberCredentials,
        count: Int,
        disputing target: MemberID,
        targetAssertions: Int,
        now: Timestamp
    ) throws -> [LogBatch] {
        let origin = credentials.memberID
        let first = now.millisecondsSince1970 - 360 * Self.day
        let step = 359 * Self.day / Int64(max(count, 1))
        var frontier = MerkleFrontier()
        var items: [LogBatch.Item] = []
        var batches: [LogBatch] = []
        var asserted = 0
        for i in 0..<count {
            let time = Timestamp(millisecondsSince1970: first + Int64(i) * step)
            var action = EntryAction.assert
            var number = asserted
            var member = origin
            switch i % 50 {
            case 45 where asserted > 100, 46 where asserted > 100:
                action = .retract
                number = asserted - 100
            case 47, 48, 49:
                action = .dispute
                member = target
                number = (i &* 7919) % max(targetAssertions, 1)
            default:
                asserted += 1
            }
            let kind = IndicatorKind.known[number % IndicatorKind.known.count]
            let entry = try Entry(
                origin: origin,
                index: UInt64(i),
                time: time,
                action: action,
                kind: kind,
                digest: Self.digest(member, number),
                keyID: kind.isSharedUnkeyed ? "" : "bench",
                confidence: action == .assert ? 80 : 0,
                reason: action == .retract
                    ? "" : (action == .dispute ? "authorized.reseller" : "counterfeit.confirmed"),
                disputedOrigin: action == .dispute ? target : nil
            )
            let item = LogBatch.Item(encoding: entry)
            frontier.append(MerkleHash.leaf(item.bytes))
            items.append(item)
            if items.count == batchSize || i == count - 1 {
                let checkpoint = try Checkpoint.sign(
                    origin: origin,
                    treeSize: frontier.size,
                    rootHash: frontier.root,
                    time: time,
                    using: credentials.privateKey
                )
                batches.append(LogBatch(origin: origin, items: items, checkpoint: checkpoint, receivedFrom: origin))
                items = []
            }
        }
        return batches
    }

    /// The digest of `member`'s `number`th assertion: distinct per member and number.
    static func digest(_ member: MemberID, _ number: Int) -> Hash256 {
        var hasher = member.rawValue.utf8.reduce(UInt64(1_469_598_103_934_665_603)) {
            ($0 ^ UInt64($1)) &* 1_099_511_628_211
        }
        hasher ^= UInt64(number) &* 0x9E37_79B9_7F4A_7C15
        return Hash256(w0: hasher, w1: UInt64(number), w2: ~hasher, w3: 0x4841_4C4C)
    }
}
