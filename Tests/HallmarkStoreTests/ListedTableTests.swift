import Foundation
import HallmarkCore
import HallmarkRecords
import Logging
import Synchronization
import Testing

@testable import HallmarkStore

@Suite("Listed table")
struct ListedTableTests {
    /// Indicators chosen to collide: SKUs, sellers with the same digests as some SKUs (one key, two kinds), and PDQ
    /// hashes sharing their first 24 bytes (one key, differing only in the last word).
    static let indicators: [(kind: IndicatorKind, digest: Hash256)] =
        (0..<60).map { (IndicatorKind.sku, digest($0)) } + (0..<20).map { (IndicatorKind.seller, digest($0)) }
        + (0..<20).map { (IndicatorKind.imagePDQ, Hash256(w0: 5, w1: 6, w2: 7, w3: $0)) }

    /// What the store's SQL says stands, to compare the table with.
    static func fromStore(_ store: HallmarkStore) async throws -> [[AssertionRecord]] {
        try await store.assertions(for: indicators).map { $0.filter(\.listed) }
    }

    @Test("the table answers what the store answers, through random asserts, retractions and disputes, and rebuilt")
    func matchesTheStore() async throws {
        let (store, folder) = try temporaryStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(store.isListedTableLoaded)
        var logs = [try LogBuilder("brand-a"), try LogBuilder("brand-b"), try LogBuilder("market-c")]
        var sent = [0, 0, 0]
        var generator = SystemRandomNumberGenerator()
        let reasons = ["counterfeit", "grey-market"]
        let notes = ["", "seen twice", "vu deux fois à Paris"]
        for round in 0..<25 {
            for number in logs.indices {
                for _ in 0..<Int.random(in: 0...12, using: &generator) {
                    let (kind, digest) = Self.indicators.randomElement(using: &generator)!
                    let time = Int64(round * 1_000 + logs[number].items.count)
                    switch Int.random(in: 0..<10, using: &generator) {
                    case 0..<6:
                        _ = try logs[number].add(
                            .assert,
                            digest,
                            time: time,
                            expires: Bool.random(using: &generator)
                                ? Timestamp(millisecondsSince1970: time + Int64.random(in: 1...90_000)) : nil,
                            kind: kind,
                            confidence: UInt8.random(in: 0...100, using: &generator),
                            reason: reasons.randomElement(using: &generator)!,
                            note: notes.randomElement(using: &generator)!
                        )
                    case 6..<9:
                        _ = try logs[number].add(.retract, digest, time: time, kind: kind)
                    default:
                        let other = logs[(number + Int.random(in: 1...2, using: &generator)) % logs.count].origin
                        _ = try logs[number].add(
                            .dispute,
                            digest,
                            disputing: other,
                            time: time,
                            kind: kind,
                            note: notes.randomElement(using: &generator)!
                        )
                    }
                }
            }
            // Some rounds commit every log in one transaction, as a sync does; others one by one, as received.
            let batches = try logs.indices.filter { logs[$0].items.count > sent[$0] }.map {
                try logs[$0].batch(from: sent[$0], receivedFrom: logs[($0 + round) % logs.count].origin)
            }
            if round.isMultiple(of: 2) {
                try await store.append(contentsOf: batches)
            } else {
                for batch in batches { try await store.append(batch) }
            }
            sent = logs.map(\.items.count)
            let held = try #require(store.listed.assertions(for: Self.indicators))
            #expect(held == (try await Self.fromStore(store)), "round \(round)")
        }
        #expect(try await Self.fromStore(store).joined().contains { !$0.disputes.isEmpty })

        try await store.rebuildListedTable(reason: "test")
        #expect(store.listed.assertions(for: Self.indicators) == (try await Self.fromStore(store)))
        let reopened = try HallmarkStore.open(in: folder, logger: Logger(label: "test"))
        #expect(reopened.listed.assertions(for: Self.indicators) == (try await Self.fromStore(store)))
        let command = try HallmarkStore.open(in: folder, logger: Logger(label: "test"), holdingListedTable: false)
        #expect(command.listed.assertions(for: Self.indicators) == nil)
        #expect(try await command.listedAssertions(for: Self.indicators) == (try await Self.fromStore(store)))
    }

    @Test("checks never answer from a half-built table while appends, retractions and rebuilds run")
    func checksDuringRebuilds() async throws {
        let (store, folder) = try temporaryStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        var stable = try LogBuilder("brand-a")
        let kept = (0..<UInt64(2_000)).map { digest($0) }
        for number in kept { _ = try stable.add(.assert, number) }
        try await store.append(try stable.batch())
        let expected = try #require(store.listed.assertions(for: kept.map { (.sku, $0) }))
        #expect(expected.allSatisfy { $0.count == 1 })

        let finished = Flag()
        let appends = Task {
            defer { finished.raise() }
            var churn = try LogBuilder("brand-b")
            for round in 0..<UInt64(40) {
                let start = churn.items.count
                let fresh = (0..<UInt64(200)).map { digest(10_000 + round * 200 + $0) }
                for number in fresh { _ = try churn.add(.assert, number) }
                for number in fresh.prefix(100) { _ = try churn.add(.retract, number) }
                // brand-b also asserts and retracts kept digests: brand-a's assertions must show through throughout.
                _ = try churn.add(.assert, kept[Int(round)])
                _ = try churn.add(.retract, kept[Int(round)])
                try await store.append(try churn.batch(from: start))
            }
        }
        let rebuilds = Task {
            while !finished.isRaised {
                try await store.rebuildListedTable(reason: "test")
                try await store.rebuildFilter(reason: "test")
            }
        }
        var checks = 0
        while !finished.isRaised || checks == 0 {
            let held = try await store.listedAssertions(for: kept.map { (.sku, $0) })
            #expect(held == expected)
            checks += 1
        }
        try await appends.value
        try await rebuilds.value
        #expect(store.isListedTableLoaded)
        let everything = (0..<UInt64(18_000)).map { (kind: IndicatorKind.sku, digest: digest($0)) }
        #expect(
            store.listed.assertions(for: everything)
                == (try await store.assertions(for: everything).map { $0.filter(\.listed) })
        )
    }

    /// A change for `number`: asserted by one of three origins, or retracted.
    static func change(_ number: UInt64, origin: Int, retracting: Bool) throws -> ListedTable.Change {
        let origin = try MemberID(["brand-a", "brand-b", "market-c"][origin])
        if retracting { return .retracted(.sku, digest(number), origin: origin) }
        let time = Timestamp(millisecondsSince1970: 1_700_000_000_000 + Int64(number))
        return .asserted(
            .sku,
            digest(number),
            AssertionRecord(
                origin: origin,
                listed: true,
                confidence: Int(number % 101),
                reason: "counterfeit",
                note: number.isMultiple(of: 3) ? "note \(number % 7)" : "",
                expires: number.isMultiple(of: 5) ? Timestamp(millisecondsSince1970: 1_600_000_000_000) : nil,
                firstSeen: time,
                lastSeen: time,
                retractedAt: nil,
                lastIndex: number,
                receivedFrom: origin,
                receivedAt: Timestamp(millisecondsSince1970: time.millisecondsSince1970 + 250),
                disputes: []
            )
        )
    }

    @Test("compactions merge the overlay into a new run without changing an answer, whatever runs meanwhile")
    func compactionsUnderLoad() async throws {
        let index = ListedIndex(enabled: true)
        index.finishBuild(index.beginBuild(), table: ListedTable(), sizes: [:])
        let count: UInt64 = 150_000
        let probes = (0..<count).map { (kind: IndicatorKind.sku, digest: digest($0)) }
        // Writers assert every number, then retract every third; a reader checks that the first thousand, asserted
        // before it starts and never retracted, are always there, while compactions run between writes.
        try index.apply(try (0..<1_000).map { try Self.change($0 * 3 + 1, origin: 0, retracting: false) })
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for start in stride(from: UInt64(0), to: count, by: 5_000) {
                    try index.apply(
                        try (start..<start + 5_000).map { try Self.change($0, origin: Int($0 % 2), retracting: false) }
                    )
                    try index.apply(
                        try (start..<start + 5_000).filter { $0.isMultiple(of: 3) }.map {
                            try Self.change($0, origin: Int($0 % 2), retracting: true)
                        }
                    )
                    index.compactIfNeeded()
                }
            }
            group.addTask {
                let stable = (0..<UInt64(1_000)).map { (kind: IndicatorKind.sku, digest: digest($0 * 3 + 1)) }
                for _ in 0..<200 {
                    let held = try #require(index.assertions(for: stable))
                    #expect(held.allSatisfy { $0.contains { $0.origin.rawValue == "brand-a" } })
                    await Task.yield()
                }
            }
            try await group.waitForAll()
        }
        // Every answer after the run is what a table built from the same changes in one go says.
        var reference = ListedTable()
        for number in 0..<UInt64(1_000) {
            reference.apply(try Self.change(number * 3 + 1, origin: 0, retracting: false))
        }
        for number in 0..<count {
            reference.apply(try Self.change(number, origin: Int(number % 2), retracting: false))
        }
        for number in stride(from: UInt64(0), to: count, by: 3) {
            reference.apply(try Self.change(number, origin: Int(number % 2), retracting: true))
        }
        let held = try #require(index.assertions(for: probes))
        #expect(held == probes.map { reference.assertions(kind: $0.kind, digest: $0.digest) })
        #expect(held[1].map(\.origin.rawValue) == ["brand-a", "brand-b"])
        #expect(held[3].isEmpty)
        #expect(reference.compacted().assertions(kind: .sku, digest: digest(1)) == held[1])
    }

    @Test("random digests, spread over every bucket: built, changed, compacted, each found and no other")
    func randomDigests() throws {
        var generator = SystemRandomNumberGenerator()
        func random() -> Hash256 {
            Hash256(w0: generator.next(), w1: generator.next(), w2: generator.next(), w3: generator.next())
        }
        let built = (0..<50_000).map { _ in random() }.sorted()
        let applied = (0..<80_000).map { _ in random() }
        let record = { (number: Int) in
            try Self.change(UInt64(number), origin: number % 3, retracting: false)
        }
        var builder = ListedTable.Builder()
        for (number, digest) in built.enumerated() {
            guard case .asserted(_, _, let assertion) = try record(number) else { continue }
            builder.add(kind: .sku, digest: digest, assertion)
        }
        let finished = builder.finish()
        var table = try #require(finished)
        for (number, digest) in applied.enumerated() {
            guard case .asserted(_, _, let assertion) = try record(number) else { continue }
            table.apply(.asserted(.sku, digest, assertion))
        }
        for (number, digest) in built.enumerated() where number.isMultiple(of: 4) {
            table.apply(.retracted(.sku, digest, origin: try MemberID(["brand-a", "brand-b", "market-c"][number % 3])))
        }
        for candidate in [table, table.compacted()] {
            for (number, digest) in built.enumerated() {
                #expect(candidate.assertions(kind: .sku, digest: digest).count == (number.isMultiple(of: 4) ? 0 : 1))
            }
            for digest in applied { #expect(candidate.assertions(kind: .sku, digest: digest).count == 1) }
            for _ in 0..<10_000 { #expect(candidate.assertions(kind: .sku, digest: random()).isEmpty) }
            #expect(candidate.assertions(kind: .seller, digest: applied[0]).isEmpty)
        }
    }

    @Test("a build swapped in carries what was applied while it read; a stale table answers nothing until rebuilt")
    func buildsAndStaleness() throws {
        let index = ListedIndex(enabled: true)
        #expect(index.assertions(for: [(.sku, digest(1))]) == nil)
        let first = index.beginBuild()
        try index.apply([try Self.change(1, origin: 0, retracting: false)])
        #expect(index.finishBuild(first, table: ListedTable(), sizes: [:]))
        #expect(index.assertions(for: [(.sku, digest(1))])?[0].count == 1)

        // A build that began before the store was found changed behind this process's back is dropped.
        let older = index.beginBuild()
        index.markStale()
        #expect(index.assertions(for: [(.sku, digest(1))]) == nil)
        #expect(!index.finishBuild(older, table: ListedTable(), sizes: [:]))
        #expect(!index.isLoaded)
        let newer = index.beginBuild()
        #expect(index.finishBuild(newer, table: ListedTable(), sizes: [:]))
        #expect(index.assertions(for: [(.sku, digest(1))]) == [[]])

        // A store opened without the table never answers from memory.
        let disabled = ListedIndex(enabled: false)
        try disabled.apply([try Self.change(1, origin: 0, retracting: false)])
        #expect(disabled.assertions(for: [(.sku, digest(1))]) == nil)
    }
}

/// A flag one task raises and others read.
final class Flag: Sendable {
    private let raised = Atomic(false)

    func raise() { raised.store(true, ordering: .releasing) }

    var isRaised: Bool { raised.load(ordering: .acquiring) }
}

extension ListedIndex {
    /// Applies `changes` as one batch of a log whose coverage these tests do not look at.
    func apply(_ changes: [ListedTable.Change]) throws {
        apply(Batch(changes: changes, origin: try MemberID("test-log"), startSize: 0, endSize: 1))
    }
}
