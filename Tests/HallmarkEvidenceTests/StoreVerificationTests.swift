import Foundation
import GRDB
import HallmarkCore
import HallmarkMember
import HallmarkRecords
import HallmarkStore
import HallmarkTestSupport
import Testing

/// `verifyStore` against a real SQLite file altered by hand, as someone with the database file could.
@Suite("Store verification")
struct StoreVerificationTests {
    /// market-c holding brand-a's log of 41 entries under two checkpoints (20 and 41) and brand-b's of 1.
    static func makeStore() async throws -> (node: Member, folders: [URL]) {
        let alliance = try await EvidenceVerifierTests.Alliance.make()
        for folder in alliance.folders.prefix(2) { try? FileManager.default.removeItem(at: folder) }
        return (alliance.c, alliance.folders)
    }

    static func alter(_ node: Member, _ sql: String, _ arguments: StatementArguments = []) async throws {
        let database = try DatabaseQueue(path: node.store.directory.appendingPathComponent("hallmark.sqlite").path)
        try await database.write { try $0.execute(sql: sql, arguments: arguments) }
        try database.close()
    }

    static func alterEntries(
        _ node: Member,
        origin: String,
        _ change: @escaping @Sendable (UInt64, [UInt8]) -> [UInt8]?
    ) async throws {
        let path = node.store.directory.appendingPathComponent("hallmark.sqlite").path
        try await StoreTampering.alterEntries(ofStoreAt: path, origin: origin, change)
    }

    @Test("an untouched store verifies: every log, entry and checkpoint")
    func clean() async throws {
        let (node, folders) = try await Self.makeStore()
        defer { for folder in folders { try? FileManager.default.removeItem(at: folder) } }
        let result = try await node.verifyStore()
        #expect(result.isClean)
        #expect(result.logs.map(\.origin.rawValue) == ["brand-a", "brand-b"])
        #expect(result.logs.map(\.entries) == [41, 1])
        #expect(result.logs.map(\.checkpoints) == [2, 1])
    }

    @Test(
        "a log held in part verifies against the checkpoint it was verified against; an altered subtree hash does not"
    )
    func pendingCheckpoint() async throws {
        let (node, folders) = try await Self.makeStore()
        defer { for folder in folders { try? FileManager.default.removeItem(at: folder) } }
        // As a sync interrupted after 30 of brand-a's 41 entries leaves it: the checkpoint at 41 pending.
        let origin = try MemberID("brand-a")
        let leaves = try await node.store.leafHashes(of: origin, count: 41)
        let checkpoint = try #require(try await node.store.checkpoint(of: origin, treeSize: 41))
        let subtrees = try MerkleTree(leafHashes: leaves).subtreeHashes(from: 30, to: 41)
        let frontier = MerkleFrontier(leafHashes: leaves[0..<30])
        for (sql, arguments) in [
            ("DELETE FROM checkpoints WHERE origin = 'brand-a' AND tree_size = 41", StatementArguments()),
            (
                "UPDATE log_heads SET tree_size = 30, root_hash = ?, frontier = ? WHERE origin = 'brand-a'",
                [Data(frontier.root.bytes), Data(frontier.encoded())]
            ),
            (
                """
                INSERT INTO pending_checkpoints (origin, tree_size, held_size, right_subtrees, bytes, received_at)
                VALUES ('brand-a', 41, 30, ?, ?, 0)
                """,
                [Data(subtrees.flatMap(\.bytes)), Data(checkpoint.encoded())]
            ),
        ] {
            try await Self.alter(node, sql, arguments)
        }
        try await Self.alterEntries(node, origin: "brand-a") { index, bytes in index < 30 ? bytes : nil }
        let result = try await node.verifyStore()
        #expect(result.isClean, "\(result.logs)")
        #expect(result.logs.first { $0.origin == origin }?.entries == 30)

        var altered = subtrees
        altered[1].w2 ^= 1
        try await Self.alter(
            node,
            "UPDATE pending_checkpoints SET right_subtrees = ? WHERE origin = 'brand-a'",
            [Data(altered.flatMap(\.bytes))]
        )
        let tampered = try #require(try await node.verifyStore().logs.first { $0.origin == origin })
        #expect(tampered.problem?.message.contains("subtree hashes stored beside them") == true, "\(tampered)")

        try await Self.alter(node, "DELETE FROM pending_checkpoints")
        let uncovered = try #require(try await node.verifyStore().logs.first { $0.origin == origin })
        #expect(uncovered.problem?.index == 20)
        #expect(uncovered.problem?.message.contains("covered by no stored checkpoint") == true, "\(uncovered)")
    }

    @Test("a changed entry byte is caught by the checkpoint over it; other origins stay clean")
    func changedEntryByte() async throws {
        let (node, folders) = try await Self.makeStore()
        defer { for folder in folders { try? FileManager.default.removeItem(at: folder) } }
        try await Self.alterEntries(node, origin: "brand-a") { index, bytes in
            guard index == 25 else { return bytes }
            var changed = bytes
            changed[40] ^= 0x01  // a digest bit: the entry still decodes
            return changed
        }
        let result = try await node.verifyStore()
        #expect(!result.isClean)
        let problem = try #require(result.logs.first { $0.origin.rawValue == "brand-a" }?.problem)
        #expect(problem.index == 20)
        #expect(problem.message.contains("entries 20..<41 of brand-a do not hash to the root"), "\(problem.message)")
        #expect(result.logs.first { $0.origin.rawValue == "brand-b" }?.problem == nil)
    }

    @Test("a segment that no longer decodes is reported from where it starts")
    func damagedSegment() async throws {
        let (node, folders) = try await Self.makeStore()
        defer { for folder in folders { try? FileManager.default.removeItem(at: folder) } }
        try await Self.alter(node, "UPDATE log_segments SET count = count + 1 WHERE origin = 'brand-a'")
        let problem = try #require(try await node.verifyStore().logs.first { $0.origin.rawValue == "brand-a" }?.problem)
        #expect(problem.index == 0)
        #expect(problem.message.contains("holds 41 entries, not the 42 recorded"), "\(problem.message)")
    }

    @Test("a deleted checkpoint leaves entries no stored checkpoint covers, reported from where they start")
    func deletedCheckpoint() async throws {
        let (node, folders) = try await Self.makeStore()
        defer { for folder in folders { try? FileManager.default.removeItem(at: folder) } }
        try await Self.alter(node, "DELETE FROM checkpoints WHERE origin = 'brand-a' AND tree_size = 41")
        let problem = try #require(try await node.verifyStore().logs.first { $0.origin.rawValue == "brand-a" }?.problem)
        #expect(problem.index == 20)
        #expect(problem.message.contains("entries 20..<41 of brand-a are covered by no stored checkpoint"))
    }

    @Test("a deleted entry and a forged checkpoint signature are reported")
    func deletedEntryAndForgedSignature() async throws {
        let (node, folders) = try await Self.makeStore()
        defer { for folder in folders { try? FileManager.default.removeItem(at: folder) } }
        try await Self.alterEntries(node, origin: "brand-a") { index, bytes in index == 3 ? nil : bytes }
        // brand-b's checkpoint re-signed by another key: it still decodes, its signature no longer verifies.
        let checkpoint = try #require(try await node.store.latestCheckpoint(of: try MemberID("brand-b")))
        let forged = try Checkpoint.sign(
            origin: checkpoint.origin,
            treeSize: checkpoint.treeSize,
            rootHash: checkpoint.rootHash,
            time: checkpoint.time,
            using: node.identity.signingKey
        )
        try await Self.alter(
            node,
            "UPDATE checkpoints SET bytes = ? WHERE origin = 'brand-b'",
            [Data(forged.encoded())]
        )
        let logs = try await node.verifyStore().logs
        let a = try #require(logs.first { $0.origin.rawValue == "brand-a" }?.problem)
        #expect(a.index == 3)
        #expect(a.message.contains("entry 3 of brand-a is missing"))
        let b = try #require(logs.first { $0.origin.rawValue == "brand-b" }?.problem)
        #expect(b.message.contains("is not signed by its certified key"))
    }
}
