import Foundation
import HallmarkCore
import HallmarkRecords
import HallmarkStore
import Logging
import Testing

@Suite("The allowlist: in memory for checks, kept across restarts, shared by processes, in no log")
struct AllowlistTests {
    static func entry(_ n: UInt64, note: String = "") -> AllowlistEntry {
        AllowlistEntry(kind: .sku, digest: digest(n), value: "sku-\(n)", note: note, added: .now())
    }

    @Test("allow, replace the note, disallow, reopen")
    func allowAndDisallow() async throws {
        let (store, folder) = try temporaryStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try await store.allow([Self.entry(1), Self.entry(2, note: "reseller")]) == 2)
        #expect(try await store.allow([Self.entry(2, note: "official reseller")]) == 0)
        #expect(store.isAllowlisted(digest(1)))
        #expect(store.areAllowlisted([digest(1), digest(3)]) == [true, false])
        #expect(try await store.allowlist().map(\.note) == ["", "official reseller"])
        #expect(try await store.disallow(kind: .sku, digest: digest(1)))
        #expect(try await !store.disallow(kind: .sku, digest: digest(1)))
        #expect(!store.isAllowlisted(digest(1)))
        // Nothing of it is in any log.
        #expect(try await store.logHeads().isEmpty)
        #expect(try await store.statistics().entryCount == 0)

        let reopened = try HallmarkStore.open(in: folder, logger: Logger(label: "test"))
        #expect(reopened.isAllowlisted(digest(2)))
        #expect(!reopened.isAllowlisted(digest(1)))
    }

    @Test("a change made by another process is picked up by refreshAllowlist")
    func otherProcess() async throws {
        let (node, folder) = try temporaryStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        let command = try HallmarkStore.open(in: folder, logger: Logger(label: "test"))
        #expect(try await !node.refreshAllowlist())
        try await command.allow([Self.entry(7)])
        #expect(!node.isAllowlisted(digest(7)))
        #expect(try await node.refreshAllowlist())
        #expect(node.isAllowlisted(digest(7)))
        #expect(try await !node.refreshAllowlist())
        try await node.disallow(kind: .sku, digest: digest(7))
        #expect(try await command.refreshAllowlist())
        #expect(!command.isAllowlisted(digest(7)))
    }
}
