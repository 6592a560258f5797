import Foundation
import HallmarkCore
import HallmarkMember
import HallmarkRecords
import HallmarkStore
import HallmarkTestSupport
import Logging
import ServiceLifecycle
import Testing

@Suite("FilterMaintenance: background rebuilds after retractions and expiries, checks never torn")
struct FilterMaintenanceTests {
    static func skus(_ range: Range<Int>, _ prefix: String) throws -> [Identifier] {
        try range.map { try Identifier(kind: .sku, value: "\(prefix)-\($0)") }
    }

    @Test("the policy: a threshold of retractions at once, any staleness after the maximum delay")
    func policy() {
        let policy = FilterMaintenance.Policy(retractionThreshold: 3, maximumStaleness: .seconds(10))
        let t0 = Timestamp(millisecondsSince1970: 1_000_000)
        let later = Timestamp(millisecondsSince1970: 1_000_000 + 10_000)
        #expect(policy.rebuildReason(for: FilterFreshness(), at: later) == nil)
        #expect(
            policy.rebuildReason(for: FilterFreshness(retractions: 3, oldestRetraction: t0), at: t0) == "retractions"
        )
        #expect(policy.rebuildReason(for: FilterFreshness(retractions: 1, oldestRetraction: t0), at: t0) == nil)
        #expect(
            policy.rebuildReason(for: FilterFreshness(retractions: 1, oldestRetraction: t0), at: later) == "retractions"
        )
        #expect(policy.rebuildReason(for: FilterFreshness(nextExpiry: t0), at: t0) == nil)
        #expect(policy.rebuildReason(for: FilterFreshness(nextExpiry: later), at: later) == nil)
        #expect(policy.rebuildReason(for: FilterFreshness(nextExpiry: t0), at: later) == "expiry")
    }

    @Test("a filter outgrown by an append is rebuilt larger: by the append itself, or by the maintenance once it runs")
    func outgrownCapacity() async throws {
        let fixture = try await NodeFixture.make("brand-a")
        defer { fixture.remove() }
        let store = fixture.node.store
        try await fixture.node.submit(try Self.skus(0..<50, "first").map { Submission(identifier: $0) })

        // Without a maintenance service, the append that crosses the capacity rebuilds before it returns.
        store.assumeFilterCapacity(60)
        try await fixture.node.submit(try Self.skus(0..<20, "second").map { Submission(identifier: $0) })
        #expect(!store.isFilterOverCapacity)
        #expect(store.filterStatistics.capacity > 60)

        // With one running, the append returns at once and the next look rebuilds it; checks stay right meanwhile.
        let maintenance = FilterMaintenance(store: store, logger: Logger(label: "test"))
        store.isFilterResizedInBackground = true
        store.assumeFilterCapacity(80)
        let third = try Self.skus(0..<30, "third")
        try await fixture.node.submit(third.map { Submission(identifier: $0) })
        #expect(store.isFilterOverCapacity, "the append rebuilt the filter itself")
        #expect(try await fixture.node.check(third).allSatisfy(\.isListed))
        let rebuild = await maintenance.maintain()
        #expect(rebuild?.swapped == true)
        #expect(!store.isFilterOverCapacity, "the maintenance did not rebuild the outgrown filter")
        #expect(store.filterStatistics.insertedCount == 100)

        // The service says so while it runs, and no longer once it stops.
        store.isFilterResizedInBackground = false
        let running = Task { try await maintenance.run() }
        while !store.isFilterResizedInBackground { try await Task.sleep(for: .milliseconds(10)) }
        running.cancel()
        _ = await running.result
        #expect(!store.isFilterResizedInBackground)
    }

    @Test("an import sizes the filter for the whole file before appending, instead of outgrowing it part way")
    func importReservesRoom() async throws {
        let fixture = try await NodeFixture.make("brand-a")
        defer { fixture.remove() }
        let store = fixture.node.store
        try await fixture.node.submit(try Self.skus(0..<50, "first").map { Submission(identifier: $0) })
        store.assumeFilterCapacity(60)
        #expect(try await store.reserveFilterRoom(for: 10) == nil, "room for 10 more was there")
        // As in a running node, the append that outgrows the filter leaves it to a maintenance service (none here).
        store.isFilterResizedInBackground = true
        let file = fixture.folder.appendingPathComponent("skus.csv")
        let lines = (0..<100).map { "sku,IMPORTED-\($0)\n" }.joined()
        try ("kind,value\n" + lines).write(to: file, atomically: true, encoding: .utf8)
        let imported = try await fixture.node.importFile(at: file.path)
        #expect(imported.outcome.appended == 100)
        #expect(!store.isFilterOverCapacity, "the import outgrew the filter")
        #expect(store.filterStatistics.insertedCount == 150)
        #expect(try await fixture.node.check(try Self.skus(0..<100, "IMPORTED")).allSatisfy(\.isListed))
    }

    @Test("checks from many tasks during rebuilds always answer right; a retraction leaves the filter after one")
    func concurrentChecks() async throws {
        let fixture = try await NodeFixture.make("brand-a")
        defer { fixture.remove() }
        let node = fixture.node
        let kept = try Self.skus(0..<300, "kept")
        let retracted = try Self.skus(0..<100, "gone")
        let never = try Self.skus(0..<100, "never")
        try await node.submit((kept + retracted).map { Submission(identifier: $0) })
        #expect(node.store.filterStatistics.insertedCount == 400)
        try await node.retract(retracted)
        #expect(node.store.filterFreshness.retractions == 100)

        let maintenance = FilterMaintenance(
            store: node.store,
            policy: .init(retractionThreshold: 100),
            logger: Logger(label: "test")
        )
        let wrong = try await withThrowingTaskGroup(of: Int.self) { group in
            for task in 0..<8 {
                group.addTask {
                    var wrong = 0
                    for round in 0..<20 {
                        let sample = Array(kept[(task * 20 + round) % 280..<(task * 20 + round) % 280 + 20])
                        let verdicts = try await node.check(sample + retracted.prefix(10) + never.prefix(10))
                        wrong += verdicts[..<20].count { !$0.isListed }
                        wrong += verdicts[20...].count { $0.isListed || !$0.origins.isEmpty }
                    }
                    return wrong
                }
            }
            group.addTask {
                #expect(await maintenance.maintain() != nil)
                for _ in 0..<10 { try await node.store.rebuildFilter() }
                return 0
            }
            return try await group.reduce(0, +)
        }
        #expect(wrong == 0)
        #expect(node.store.filterStatistics.insertedCount == 300)
        #expect(node.store.filterFreshness.retractions == 0)
        #expect(retracted.allSatisfy { !node.store.mayBeListed(node.digest(of: $0)) })
        #expect(await maintenance.maintain() == nil)
    }

    @Test("run as a service, it rebuilds after a retraction and an expiry, and stops on shutdown")
    func service() async throws {
        let fixture = try await NodeFixture.make("brand-a")
        defer { fixture.remove() }
        let node = fixture.node
        let soon = Timestamp(millisecondsSince1970: Timestamp.now().millisecondsSince1970 + 500)
        let lapsing = try Identifier(kind: .sku, value: "lapsing")
        let retracted = try Identifier(kind: .sku, value: "retracted")
        try await node.submit([Submission(identifier: lapsing, expires: soon), Submission(identifier: retracted)])
        try await node.retract([retracted])
        #expect(node.store.filterStatistics.insertedCount == 2)

        let maintenance = FilterMaintenance(
            store: node.store,
            policy: .init(maximumStaleness: .zero, pollInterval: .milliseconds(20)),
            logger: Logger(label: "test")
        )
        let group = ServiceGroup(services: [maintenance], logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var polls = 0
            while node.store.filterStatistics.insertedCount > 0, polls < 500 {
                try await Task.sleep(for: .milliseconds(20))
                polls += 1
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(node.store.filterStatistics.insertedCount == 0)
        #expect(!node.store.mayBeListed(node.digest(of: lapsing)))
        #expect(node.store.filterFreshness == FilterFreshness())
    }

    @Test("entries another process appends reach the running node's filter at the next look but one, not before")
    func appendsByAnotherProcess() async throws {
        let fixture = try await NodeFixture.make("brand-a")
        defer { fixture.remove() }
        let running = fixture.node
        // A second handle on the same data folder, as `hallmark sync` or a direct `hallmark submit` beside the node.
        let other = try await Member.open(dataDirectory: fixture.folder, logger: Logger(label: "test"))
        let sku = try Identifier(kind: .sku, value: "written-elsewhere")
        try await other.submit([Submission(identifier: sku)])
        #expect(try await running.check(sku).isListed == false)

        let maintenance = FilterMaintenance(store: running.store, logger: Logger(label: "test"))
        let seen = await maintenance.catchUp(after: [:])
        #expect(try await running.check(sku).isListed == false)
        let member = running.identity.member
        #expect(seen[member] == 1)
        _ = await maintenance.catchUp(after: seen)
        #expect(try await running.check(sku).isListed)
        #expect(running.store.filterCoverage?[member] == 1)

        // The node's own appends need no rebuild: its filter covers them at once. (A rebuild would clear the
        // retraction it counts.)
        try await running.retract([sku])
        #expect(running.store.filterCoverage?[member] == 2)
        let again = await maintenance.catchUp(after: await maintenance.catchUp(after: [:]))
        #expect(again[member] == 2)
        #expect(running.store.filterFreshness.retractions == 1)
    }

    @Test("another process's retraction reaches the listed table even when a filter rebuild read it first")
    func retractionByAnotherProcessAfterAFilterRebuild() async throws {
        let fixture = try await NodeFixture.make("brand-a")
        defer { fixture.remove() }
        let running = fixture.node
        let maintenance = FilterMaintenance(store: running.store, logger: Logger(label: "test"))
        let sku = try Identifier(kind: .sku, value: "retracted-elsewhere")
        try await running.submit([Submission(identifier: sku)])
        #expect(try await running.check(sku).isListed)
        #expect(running.store.isListedTableLoaded)

        // `hallmark retract` run beside the node: its own handle, no table.
        let other = try await Member.open(
            dataDirectory: fixture.folder,
            logger: Logger(label: "test"),
            holdingListedTable: false
        )
        try await other.retract([sku])
        // A rebuild in between (as for retractions or expiry) reads the other process's entries into the filter,
        // so the filter's coverage no longer shows them as foreign; the table's does.
        let seen = await maintenance.catchUp(after: [:])
        try await running.store.rebuildFilter(reason: "test")
        #expect(running.store.listedTableCoverage?[running.identity.member] == 1)
        _ = await maintenance.catchUp(after: seen)
        #expect(running.store.listedTableCoverage?[running.identity.member] == 2)
        #expect(try await running.check(sku).isListed == false)
        #expect(running.store.isListedTableLoaded)
    }
}
