import Foundation
import HallmarkCore
import HallmarkMember
import HallmarkRecords
import HallmarkStore
import Logging

/// The end-to-end check of raw identifiers on a real node (development member brand-a, a real
/// SQLite store in a temporary folder): normalize → digest → Bloom filter → confirm positives
/// from the listed table in memory, with provenance. The budget (docs/ARCHITECTURE.md): at least 1 M checks per second on one core.
func endToEndSection(options: BenchmarkOptions) async {
    print("## End-to-end raw identifier check\n")
    do {
        try await measureEndToEnd()
    } catch {
        print("failed: \(error)\n")
    }
}

private func measureEndToEnd() async throws {
    let listedCount = 100_000
    let queryCount = 1_000_000
    let batchSize = 1_000
    let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let dev = repository.appendingPathComponent("Certificates/dev")
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hallmark-bench-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    let node = try await Member.initialize(
        dataDirectory: folder,
        memberCertificate: dev.appendingPathComponent("brand-a/member.pem"),
        memberKey: dev.appendingPathComponent("brand-a/member-key.pem"),
        allianceCA: dev.appendingPathComponent("ca.pem"),
        allianceKey: dev.appendingPathComponent("alliance.key"),
        logger: Logger(label: "benchmark")
    )

    // Listed: 100 k sellers, submitted as one signed batch.
    let listed = try (0..<listedCount).map { try Identifier(kind: .seller, value: "ShopMart:Fake Seller \($0)") }
    let clock = ContinuousClock()
    var start = clock.now
    try await node.submit(listed.map { Submission(identifier: $0) })
    let submitSeconds = seconds(clock.now - start)

    // Queries as a listing pipeline sends them: raw, mixed case, 1 % known-bad.
    let raw: [String] = (0..<queryCount).map { i in
        i % 100 == 0 ? "shopmart:fake seller \(i % listedCount)" : "ShopMart:Seller \(i)"
    }

    var table = ResultTable()
    table.add("listed indicators", "\(listedCount)", "")
    table.add("submit + sign + commit", "\(Int(Double(listedCount) / submitSeconds)) /s", "")

    // Each stage alone, on one core.
    var identifiers: [Identifier] = []
    identifiers.reserveCapacity(queryCount)
    start = clock.now
    for value in raw { identifiers.append(try Identifier(kind: .seller, value: value)) }
    table.add("normalize (seller, ASCII)", perSecond(queryCount, clock.now - start), "")

    var digests: [Hash256] = []
    digests.reserveCapacity(queryCount)
    start = clock.now
    for identifier in identifiers { digests.append(node.digest(of: identifier)) }
    table.add("keyed digest (HMAC-SHA256)", perSecond(queryCount, clock.now - start), "")

    // The filter alone, below the member layer: a second handle on the node's folder builds the same filter.
    let store = try HallmarkStore.open(in: folder, logger: Logger(label: "benchmark"))
    start = clock.now
    let maybe = store.mayBeListed(digests)
    table.add("filter lookup (batch, under lock)", perSecond(queryCount, clock.now - start), "")
    let positives = maybe.filter { $0 }.count

    // The whole check through the node's API, in batches as the HTTP API will call it: 1 % listed, then half.
    /// Checks `values` in batches; the listed verdicts, and the time taken.
    func checkInBatches(_ values: [String]) async throws -> (listed: Int, duration: Duration) {
        var listed = 0
        let start = clock.now
        for offset in stride(from: 0, to: values.count, by: batchSize) {
            var batch: [Identifier] = []
            batch.reserveCapacity(batchSize)
            for value in values[offset..<min(offset + batchSize, values.count)] {
                batch.append(try Identifier(kind: .seller, value: value))
            }
            listed += try await node.check(batch).filter(\.isListed).count
        }
        return (listed, clock.now - start)
    }
    let (listedVerdicts, endToEnd) = try await checkInBatches(raw)
    table.add("end-to-end check, batches of \(batchSize), 1 % listed", perSecond(queryCount, endToEnd), "")

    let half: [String] = (0..<queryCount).map { i in
        i.isMultiple(of: 2) ? "shopmart:fake seller \(i % listedCount)" : "ShopMart:Seller \(i)"
    }
    let (halfListed, halfDuration) = try await checkInBatches(half)
    table.add("end-to-end check, batches of \(batchSize), 50 % listed", perSecond(queryCount, halfDuration), "")
    guard halfListed == queryCount / 2 else {
        throw HallmarkError(.notFound, "\(halfListed) listed verdicts of \(queryCount / 2) listed probes")
    }

    // Single checks, one call each: a listing pipeline asking about one seller at a time.
    let singles = 100_000
    start = clock.now
    for value in raw.prefix(singles) {
        _ = try await node.check(try Identifier(kind: .seller, value: value))
    }
    table.add("end-to-end check, one call each", perSecond(singles, clock.now - start), "")
    table.add("listed verdicts / filter positives", "\(listedVerdicts) / \(positives) of \(queryCount)", "")
    table.print(headers: ("measure", "Hallmark", ""))
    print("")
    try await node.close()
}

private func seconds(_ duration: Duration) -> Double {
    let (whole, fraction) = duration.components
    return Double(whole) + Double(fraction) / 1e18
}

private func perSecond(_ count: Int, _ duration: Duration) -> String {
    let rate = Double(count) / seconds(duration)
    return rate >= 1e6 ? "\(ResultTable.fixed(rate / 1e6, 2)) M/s" : "\(ResultTable.fixed(rate / 1e3, 1)) k/s"
}
