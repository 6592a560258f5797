import Crypto
import Foundation
import GRDB
import HallmarkCore
import HallmarkRecords
import Logging
import Testing

@testable import HallmarkStore

/// Builds signed batches of one origin's log without any node, for store tests.
struct LogBuilder {
    let origin: MemberID
    let key = P256.Signing.PrivateKey()
    var items: [LogBatch.Item] = []
    var frontier = MerkleFrontier()

    init(_ origin: String) throws { self.origin = try MemberID(origin) }

    mutating func add(
        _ action: EntryAction,
        _ digest: Hash256,
        disputing: MemberID? = nil,
        time: Int64 = 1_000,
        expires: Timestamp? = nil,
        kind: IndicatorKind = .sku,
        confidence: UInt8? = nil,
        reason: String? = nil,
        note: String = ""
    ) throws -> LogBatch.Item {
        let entry = try Entry(
            origin: origin,
            index: frontier.size,
            time: Timestamp(millisecondsSince1970: time),
            action: action,
            kind: kind,
            digest: digest,
            keyID: kind.isSharedUnkeyed ? "" : "ktest",
            confidence: confidence ?? (action == .assert ? 90 : 0),
            reason: reason ?? (action == .retract ? "" : "counterfeit"),
            expires: expires,
            note: note,
            disputedOrigin: disputing
        )
        let item = LogBatch.Item(encoding: entry)
        frontier.append(MerkleHash.leaf(item.bytes))
        items.append(item)
        return item
    }

    /// The batch of everything added since `start`, under a checkpoint of the current size.
    func batch(from start: Int = 0, receivedFrom: MemberID? = nil) throws -> LogBatch {
        let checkpoint = try Checkpoint.sign(
            origin: origin,
            treeSize: frontier.size,
            rootHash: frontier.root,
            time: Timestamp(millisecondsSince1970: 2_000),
            using: key
        )
        return LogBatch(
            origin: origin,
            items: Array(items[start...]),
            checkpoint: checkpoint,
            receivedFrom: receivedFrom ?? origin
        )
    }
}

func digest(_ n: UInt64) -> Hash256 { Hash256(w0: n, w1: ~n, w2: n &* 31, w3: 7) }

func temporaryStore(_ member: String = "node-x") throws -> (HallmarkStore, URL) {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hallmark-store-\(UUID().uuidString)")
    let store = try HallmarkStore.create(in: folder, selfMember: try MemberID(member), logger: Logger(label: "test"))
    return (store, folder)
}

@Suite("HallmarkStore")
struct HallmarkStoreTests {
    @Test("append stores the exact bytes and is idempotent")
    func appendAndRepeat() async throws {
        let (store, folder) = try temporaryStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        var log = try LogBuilder("brand-a")
        let first = try log.add(.assert, digest(1))
        _ = try log.add(.assert, digest(2))
        let batch = try log.batch()
        #expect(try await store.append(batch) == AppendOutcome(appended: 2, treeSize: 2))
        #expect(try await store.append(batch) == AppendOutcome(appended: 0, treeSize: 2))
        #expect(try await store.entryBytes(origin: log.origin, index: 0) == first.bytes)
        #expect(try await store.logHead(of: log.origin)?.rootHash == log.frontier.root)
        #expect(store.mayBeListed(digest(1)))
        #expect(try await store.assertions(kind: .sku, digest: digest(2)).first?.listed == true)

        // Extending the log appends only the new part.
        _ = try log.add(.retract, digest(1))
        #expect(try await store.append(try log.batch(from: 2)) == AppendOutcome(appended: 1, treeSize: 3))
        #expect(try await store.assertions(kind: .sku, digest: digest(1)).first?.listed == false)
    }

    @Test("received times follow the order of commits, even when the clock is behind the last one")
    func receiptTimesFollowCommits() async throws {
        let (store, folder) = try temporaryStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        var log = try LogBuilder("brand-a")
        _ = try log.add(.assert, digest(1))
        try await store.append(try log.batch())
        // A commit an hour ahead of this clock (the clock since stepped back, or another writer's ran fast).
        let ahead = Timestamp.now().millisecondsSince1970 + 3_600_000
        try await store.write { db in
            try db.execute(sql: "UPDATE receipt_clock SET last_received_at = ?", arguments: [ahead])
        }
        _ = try log.add(.assert, digest(2))
        try await store.append(try log.batch(from: 1))
        _ = try log.add(.assert, digest(3))
        try await store.append(try log.batch(from: 2))
        var times: [Int64?] = []
        for number: UInt64 in 1...3 {
            times.append(
                try await store.entries(kind: .sku, digest: digest(number)).first?.receivedAt.millisecondsSince1970
            )
        }
        #expect(times[0].map { $0 < ahead } == true)
        #expect(times[1] == ahead + 1)
        #expect(times[2] == ahead + 2)
    }

    @Test("a batch that does not match its signed root, or skips entries, stores nothing")
    func rejectsInconsistentBatches() async throws {
        let (store, folder) = try temporaryStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        var log = try LogBuilder("brand-a")
        _ = try log.add(.assert, digest(1))
        _ = try log.add(.assert, digest(2))
        var tampered = try log.batch()
        tampered.items[1].bytes[tampered.items[1].bytes.count - 1] ^= 1
        let mismatch = try await #require(throws: HallmarkError.self) { try await store.append(tampered) }
        #expect(mismatch.code == .proofMismatch)
        #expect(mismatch.message.contains("do not hash to the root"), "\(mismatch)")

        var gap = try log.batch()
        gap.items.removeFirst()
        let skipped = try await #require(throws: HallmarkError.self) { try await store.append(gap) }
        #expect(skipped.code == .malformed)
        #expect(skipped.message.contains("expected brand-a#0"), "\(skipped)")

        var wrongOrigin = try log.batch()
        wrongOrigin.origin = try MemberID("brand-b")
        let misattributed = try await #require(throws: HallmarkError.self) { try await store.append(wrongOrigin) }
        #expect(misattributed.code == .malformed)
        #expect(misattributed.message.contains("checkpoint is for origin brand-a"), "\(misattributed)")

        #expect(try await store.logHead(of: log.origin) == nil)
        #expect(try await store.statistics().entryCount == 0)

        // A checkpoint that contradicts the log already held is refused.
        try await store.append(try log.batch())
        var other = try LogBuilder("brand-a")
        _ = try other.add(.assert, digest(9))
        var forged = try other.batch()
        forged.items = []
        let contradiction = try await #require(throws: HallmarkError.self) { try await store.append(forged) }
        #expect(contradiction.code == .proofMismatch)
        #expect(contradiction.message.contains("inconsistent with the log already held"), "\(contradiction)")
        #expect(try await store.statistics().entryCount == 2)
    }

    @Test("a log arrives in chunks, each proved against the final checkpoint by the subtrees to its right")
    func chunkedAppend() async throws {
        let (store, folder) = try temporaryStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        var log = try LogBuilder("brand-a")
        for n in 0..<11 { _ = try log.add(.assert, digest(UInt64(n))) }
        let whole = try log.batch()
        let tree = MerkleTree(leafHashes: whole.items.map { MerkleHash.leaf($0.bytes) })
        func chunk(_ range: Range<Int>, subtrees: [Hash256]? = nil) throws -> LogBatch {
            var batch = whole
            batch.items = Array(whole.items[range])
            batch.rightSubtrees = try subtrees ?? tree.subtreeHashes(from: UInt64(range.upperBound), to: 11)
            return batch
        }
        // A chunk without the proof of the rest, or with a wrong one, is refused.
        let unproved = try await #require(throws: HallmarkError.self) {
            try await store.append(try chunk(0..<4, subtrees: []))
        }
        #expect(unproved.code == .proofMismatch)
        #expect(unproved.message.contains("0 subtree hashes given, 3 needed"), "\(unproved)")
        var wrong = try tree.subtreeHashes(from: 4, to: 11)
        wrong[0].w0 ^= 1
        let misproved = try await #require(throws: HallmarkError.self) {
            try await store.append(try chunk(0..<4, subtrees: wrong))
        }
        #expect(misproved.code == .proofMismatch)
        #expect(misproved.message.contains("do not hash to the root"), "\(misproved)")
        #expect(try await store.logHead(of: log.origin) == nil)

        #expect(try await store.append(try chunk(0..<4)) == AppendOutcome(appended: 4, treeSize: 4))
        #expect(try await store.latestCheckpoint(of: log.origin) == nil)
        // Held in part, the entries stay provable against the checkpoint they were verified against.
        try await Self.expectProvable(store, log.origin, held: 4, against: whole.checkpoint)
        #expect(try await store.append(try chunk(4..<9)) == AppendOutcome(appended: 5, treeSize: 9))
        try await Self.expectProvable(store, log.origin, held: 9, against: whole.checkpoint)
        #expect(try await store.append(try chunk(9..<11)) == AppendOutcome(appended: 2, treeSize: 11))
        #expect(try await store.latestCheckpoint(of: log.origin) == whole.checkpoint)
        #expect(try await store.logHead(of: log.origin)?.rootHash == whole.checkpoint.rootHash)
        try await Self.expectProvable(store, log.origin, held: 11, against: whole.checkpoint)
        #expect(try await store.provingCheckpoint(of: log.origin)?.isPending == false)
    }

    /// Every one of the first `held` entries of `origin` is proved against `checkpoint` by what the store returns.
    static func expectProvable(_ store: HallmarkStore, _ origin: MemberID, held: UInt64, against checkpoint: Checkpoint)
        async throws
    {
        let proving = try #require(try await store.provingCheckpoint(of: origin))
        #expect(proving.checkpoint == checkpoint)
        #expect(proving.heldSize == held)
        let tree = MerkleTree(leafHashes: try await store.leafHashes(of: origin, count: held))
        #expect(
            try tree.root(treeSize: checkpoint.treeSize, heldSize: held, rightSubtrees: proving.rightSubtrees)
                == checkpoint.rootHash
        )
        for index in 0..<held {
            let covering = try #require(try await store.checkpointCovering(origin, index: index))
            #expect(covering.checkpoint == checkpoint)
            let proof = try covering.inclusionProof(forIndex: index, in: tree)
            try proof.verify(leafHash: try tree.leafHash(at: index), root: checkpoint.rootHash)
        }
        #expect(try await store.checkpointCovering(origin, index: held) == nil)
    }

    @Test("the folded state does not depend on the order logs arrive in")
    func foldIsOrderIndependent() async throws {
        var a = try LogBuilder("brand-a")
        var b = try LogBuilder("brand-b")
        _ = try a.add(.assert, digest(1))
        _ = try b.add(.assert, digest(1))
        _ = try b.add(.dispute, digest(1), disputing: a.origin)
        _ = try a.add(.retract, digest(1))
        _ = try a.add(.assert, digest(2))
        let (first, firstFolder) = try temporaryStore()
        let (second, secondFolder) = try temporaryStore()
        defer {
            try? FileManager.default.removeItem(at: firstFolder)
            try? FileManager.default.removeItem(at: secondFolder)
        }
        try await first.append(try a.batch())
        try await first.append(try b.batch())
        try await second.append(try b.batch())
        try await second.append(try a.batch(from: 0))
        for n in [UInt64(1), 2] {
            let one = try await first.assertions(kind: .sku, digest: digest(n))
            let two = try await second.assertions(kind: .sku, digest: digest(n))
            #expect(one.map(\.origin) == two.map(\.origin))
            #expect(one.map(\.listed) == two.map(\.listed))
            #expect(one.map(\.disputes) == two.map(\.disputes))
        }
        let one = try await first.assertions(kind: .sku, digest: digest(1))
        #expect(one.map(\.listed) == [false, true])
        #expect(one[0].disputes.map(\.disputer) == [b.origin])
    }

    @Test("two processes writing one store never leave a snapshot that hides an indicator")
    func filterSnapshotWithTwoWriters() async throws {
        let (first, folder) = try temporaryStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        let second = try HallmarkStore.open(in: folder, logger: Logger(label: "test"))
        var log = try LogBuilder("brand-a")
        _ = try log.add(.assert, digest(1))
        try await first.append(try log.batch())
        _ = try log.add(.assert, digest(2))
        // The second opened before the first wrote: its filter never saw digest 1.
        try await second.append(try log.batch(from: 1))
        #expect(!second.mayBeListed(digest(1)))
        try await second.saveFilterSnapshot()
        try await first.saveFilterSnapshot()
        let reopened = try HallmarkStore.open(in: folder, logger: Logger(label: "test"))
        #expect(reopened.mayBeListed(digest(1)))
        #expect(reopened.mayBeListed(digest(2)))
    }

    @Test("the filter snapshot is used when current and rebuilt when stale or corrupt")
    func filterSnapshot() async throws {
        let (store, folder) = try temporaryStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        var log = try LogBuilder("brand-a")
        _ = try log.add(.assert, digest(1))
        try await store.append(try log.batch())
        try await store.saveFilterSnapshot()
        let snapshotURL = folder.appendingPathComponent(HallmarkStore.filterSnapshotFileName)
        let oldSnapshot = try Data(contentsOf: snapshotURL)

        _ = try log.add(.assert, digest(2))
        try await store.append(try log.batch(from: 1))
        // Put back the snapshot from before the second batch: it is stale and must not hide digest 2.
        try oldSnapshot.write(to: snapshotURL)
        let reopened = try HallmarkStore.open(in: folder, logger: Logger(label: "test"))
        #expect(reopened.mayBeListed(digest(1)))
        #expect(reopened.mayBeListed(digest(2)))

        try Data("garbage".utf8).write(to: snapshotURL)
        let again = try HallmarkStore.open(in: folder, logger: Logger(label: "test"))
        #expect(again.mayBeListed(digest(2)))
        #expect(!again.mayBeListed(digest(3)))
    }
}

@Suite("HallmarkStore on a full disk")
struct FullDiskTests {
    @Test("a write the disk has no room for is refused as storage-full, stores nothing, and succeeds once room returns")
    func fullDisk() async throws {
        let (store, folder) = try temporaryStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        var log = try LogBuilder("brand-a")
        _ = try log.add(.assert, digest(1))
        try await store.append(try log.batch())
        for n in 2...400 { _ = try log.add(.assert, digest(UInt64(n))) }

        // SQLite's own limit on the file's pages fails a write the way a full disk does (SQLITE_FULL).
        try await store.database.writeWithoutTransaction { db in
            let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
            try db.execute(sql: "PRAGMA max_page_count = \(pages)")
        }
        let error = await #expect(throws: HallmarkError.self) { try await store.append(try log.batch(from: 1)) }
        #expect(error?.code == .storageFull)
        #expect(error?.message.contains("full") == true)
        #expect(try await store.logHead(of: log.origin)?.treeSize == 1)
        #expect(store.mayBeListed(digest(1)))

        try await store.database.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA max_page_count = 1073741823")
        }
        try await store.append(try log.batch(from: 1))
        #expect(try await store.logHead(of: log.origin)?.treeSize == 400)
        #expect(store.mayBeListed(digest(400)))
    }
}
