import Foundation
import GRDB
import HallmarkCore
import HallmarkRecords

extension HallmarkStore {
    /// Appends a batch in one transaction: its entries, its checkpoint, the log head and the folded state.
    ///
    /// Idempotent: a batch the store already holds (same entries, same root) changes nothing.
    /// - Throws: ``HallmarkError`` `proof-mismatch` when the entries do not hash to the checkpoint's root,
    ///   `malformed` when they are not a contiguous continuation of the origin's log, `not-permitted` when the
    ///   origin is quarantined. Nothing is stored then.
    @discardableResult
    public func append(_ batch: LogBatch) async throws -> AppendOutcome {
        try await append(contentsOf: [batch])[0]
    }

    /// Appends batches in order in one transaction, each checked as ``append(_:)`` checks one: a sync commits
    /// several verified chunks at once, since each commit costs about as much as the pages it dirties.
    ///
    /// All or nothing: when one batch fails, nothing of any of them is stored.
    /// - Returns: What each batch changed, in order.
    /// - Throws: ``HallmarkError`` as ``append(_:)``.
    @discardableResult
    public func append(contentsOf batches: [LogBatch]) async throws -> [AppendOutcome] {
        let collecting = listed.isEnabled
        let committed = try await write { db in
            let now = try Self.receiptTime(in: db)
            var committed: [Committed] = []
            committed.reserveCapacity(batches.count)
            for batch in batches {
                try Self.refuseIfQuarantined(batch.origin, in: db)
                committed.append(try Self.append(batch, receivedAt: now, collectingChanges: collecting, in: db))
            }
            return committed
        }
        for batch in committed { try await updateIndexes(after: batch) }
        return committed.map(\.outcome)
    }

    /// The `received_at` of the entries a write transaction appends: now, but always later than the last commit's,
    /// so that times follow the order of commits even when writers took turns or the clock stepped back. A reader
    /// paging by (received_at, …), as TAXII's `next` does, then never misses what commits after its page.
    static func receiptTime(in db: Database) throws -> Int64 {
        let last = try Int64.fetchOne(db, sql: "SELECT last_received_at FROM receipt_clock WHERE id = 0") ?? 0
        let time = max(Timestamp.now().millisecondsSince1970, last + 1)
        try db.execute(sql: "UPDATE receipt_clock SET last_received_at = ? WHERE id = 0", arguments: [time])
        return time
    }

    /// What a committed append changed, for the filter.
    struct Committed: Sendable {
        var outcome: AppendOutcome
        var origin: MemberID
        var startSize: UInt64
        var root: Hash256
        var listed: [Hash256]
        /// The `image-pdq` hashes among ``listed``.
        var listedImages: [Hash256] = []
        /// Retractions appended, and the earliest expiry asserted: what makes the filter stale.
        var retracted = 0
        var earliestExpiry: Timestamp?
        /// What the batch changed in the folded state, for the listed table (empty when the store holds none).
        var changes: [ListedTable.Change] = []
    }

    /// - Parameter collectingChanges: Whether to return what the batch changed in the folded state, for the listed table.
    static func append(
        _ batch: LogBatch,
        receivedAt: Int64,
        collectingChanges: Bool,
        in db: Database
    ) throws -> Committed {
        let origin = batch.origin
        guard batch.checkpoint.origin == origin else {
            throw HallmarkError(
                .malformed,
                "checkpoint is for origin \(batch.checkpoint.origin), batch is for \(origin)"
            )
        }
        let head = try logHead(of: origin, in: db)
        let startSize = head?.treeSize ?? 0
        let checkpointSize = batch.checkpoint.treeSize

        if checkpointSize <= startSize {
            // Already held (a repeat is harmless), or a checkpoint that contradicts the log held.
            guard try rootHash(of: origin, atSize: checkpointSize, in: db) == batch.checkpoint.rootHash else {
                throw HallmarkError(
                    .proofMismatch,
                    "checkpoint of \(origin) at size \(checkpointSize) is inconsistent with the log already held (size \(startSize))"
                )
            }
            return Committed(
                outcome: AppendOutcome(appended: 0, treeSize: startSize),
                origin: origin,
                startSize: startSize,
                root: head?.rootHash ?? MerkleHash.emptyRoot,
                listed: []
            )
        }

        let frontier = try batch.extending(head?.frontier ?? MerkleFrontier())
        let endSize = frontier.size

        if let certificate = batch.originCertificate {
            try recordMember(origin, certificatePEM: certificate.pem, fingerprint: certificate.fingerprint, in: db)
        }
        try storeEntries(batch.items, of: origin, receivedFrom: batch.receivedFrom, at: receivedAt, in: db)
        let statements = try AppendStatements(db)
        var listed: [Hash256] = []
        var listedImages: [Hash256] = []
        var changes: [ListedTable.Change]? = collectingChanges ? [] : nil
        for position in keyOrder(of: batch.items) {
            let entry = batch.items[position].entry
            let change = try fold(
                entry,
                index: try Int64(sqlite: entry.index, "index"),
                using: statements,
                receivedFrom: batch.receivedFrom,
                at: receivedAt
            )
            if case .asserted = change {
                listed.append(entry.digest)
                if entry.kind == .imagePDQ { listedImages.append(entry.digest) }
            }
            if let change { changes?.append(change) }
        }
        // The checkpoint is held once every entry it covers is; until then, as pending with what proves the prefix.
        if endSize == checkpointSize {
            try db.execute(
                sql: "INSERT INTO checkpoints (origin, tree_size, root_hash, time, bytes) VALUES (?, ?, ?, ?, ?)",
                arguments: [
                    origin.rawValue, try Int64(sqlite: endSize, "tree size"), batch.checkpoint.rootHash.data,
                    batch.checkpoint.time.millisecondsSince1970, Data(batch.checkpoint.encoded()),
                ]
            )
            try db.execute(sql: "DELETE FROM pending_checkpoints WHERE origin = ?", arguments: [origin.rawValue])
        } else {
            try recordPending(batch, heldSize: endSize, receivedAt: receivedAt, in: db)
        }
        try db.cachedStatement(
            sql: """
                INSERT INTO log_heads (origin, tree_size, root_hash, frontier) VALUES (?, ?, ?, ?)
                ON CONFLICT (origin) DO UPDATE SET
                    tree_size = excluded.tree_size, root_hash = excluded.root_hash, frontier = excluded.frontier
                """
        ).execute(
            arguments: [
                origin.rawValue, try Int64(sqlite: endSize, "tree size"), frontier.root.data, Data(frontier.encoded()),
            ]
        )
        try storeOwnValues(of: batch, in: db)
        return Committed(
            outcome: AppendOutcome(appended: batch.items.count, treeSize: endSize),
            origin: origin,
            startSize: startSize,
            root: frontier.root,
            listed: listed,
            listedImages: listedImages,
            retracted: batch.items.count { $0.entry.action == .retract },
            earliestExpiry: batch.items.compactMap { $0.entry.action == .assert ? $0.entry.expires : nil }.min(),
            changes: changes ?? []
        )
    }

    /// The positions of `items` in the order of the keys of `assertions` (kind, then digest), an indicator's own
    /// entries in log order: the order a batch is folded in.
    ///
    /// Inserts in key order walk the digest-keyed B-tree from one end to the other, each page reached while the last
    /// insert's path to it is still in the CPU's caches; in log order every insert reaches a random page (about twice
    /// the time at a million). The fold does not depend on the order of different indicators: an entry changes only
    /// the rows of its own indicator.
    static func keyOrder(of items: [LogBatch.Item]) -> [Int] {
        struct Key: Comparable {
            var kind: Int
            var digest: Hash256
            var position: Int

            static func < (a: Key, b: Key) -> Bool {
                (a.kind, a.digest, a.position) < (b.kind, b.digest, b.position)
            }
        }
        let names = Set(items.lazy.map(\.entry.kind.name)).sorted()
        let ranks = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        var keys: [Key] = []
        var last: (name: String, rank: Int) = ("", 0)
        for (position, item) in items.enumerated() {
            let entry = item.entry
            // Runs of one kind are the rule: its rank is looked up once per run.
            if entry.kind.name != last.name { last = (entry.kind.name, ranks[entry.kind.name] ?? 0) }
            keys.append(Key(kind: last.rank, digest: entry.digest, position: position))
        }
        return keys.sorted().map(\.position)
    }

    /// Brings what a check consults in memory up to a committed append: the listed table, the filter and the
    /// near-match index.
    func updateIndexes(after committed: Committed) async throws {
        listed.apply(
            ListedIndex.Batch(
                changes: committed.changes,
                origin: committed.origin,
                startSize: committed.startSize,
                endSize: committed.outcome.treeSize
            )
        )
        listed.compactInBackgroundIfNeeded()
        guard committed.outcome.appended > 0 else { return }
        let insertion = FilterIndex.Insertion(
            digests: committed.listed,
            imageHashes: committed.listedImages,
            origin: committed.origin,
            startSize: committed.startSize,
            head: FilterIndex.Coverage(treeSize: committed.outcome.treeSize, rootHash: committed.root),
            retracted: committed.retracted,
            earliestExpiry: committed.earliestExpiry,
            time: .now()
        )
        if filter.insert(insertion) {
            // More listed digests than the filter was sized for: its false-positive rate would climb. (A running node's
            // FilterMaintenance rebuilds it in the background instead: a rebuild reads every listed digest, seconds at
            // millions, and the commit path must not wait for it.)
            try await rebuildFilter(reason: "capacity")
        }
        filter.compactImagesIfNeeded()
    }

    /// Applies one entry to the folded state. Returns what it changed there (`asserted` when the entry lists its
    /// indicator), or `nil` for a dispute that names no origin.
    ///
    /// Each origin's log is applied in index order, and an entry only changes rows keyed by its own
    /// origin (or, for a dispute, by its own origin as disputer), so the fold does not depend on the
    /// order in which different origins' logs arrive.
    private static func fold(
        _ entry: Entry,
        index: Int64,
        using statements: AppendStatements,
        receivedFrom: MemberID,
        at receivedAt: Int64
    ) throws -> ListedTable.Change? {
        let time = entry.time.millisecondsSince1970
        switch entry.action {
        case .assert:
            let insert = statements.insertAssertion
            insert.bind(entry.kind.name, at: 1)
            insert.bind(entry.digest, at: 2)
            insert.bind(entry.origin.rawValue, at: 3)
            insert.bind(Int64(truncatingIfNeeded: entry.confidence), at: 4)
            insert.bind(entry.reason, at: 5)
            insert.bind(entry.note, at: 6)
            insert.bind(entry.expires?.millisecondsSince1970, at: 7)
            insert.bind(time, at: 8)
            insert.bind(index, at: 9)
            insert.bind(receivedFrom.rawValue, at: 10)
            insert.bind(receivedAt, at: 11)
            var firstSeen = time
            if try insert.run() == 0 {
                // The origin asserted the indicator before: fold into what is stored, keeping its first-seen time.
                statements.assert.setUncheckedArguments([
                    entry.kind.name, entry.digest.data, entry.origin.rawValue, Int(entry.confidence), entry.reason,
                    entry.note, entry.expires?.millisecondsSince1970, time, index, receivedFrom.rawValue, receivedAt,
                ])
                firstSeen = try Int64.fetchOne(statements.assert) ?? time
            }
            let record = AssertionRecord(
                origin: entry.origin,
                listed: true,
                confidence: Int(truncatingIfNeeded: entry.confidence),
                reason: entry.reason,
                note: entry.note,
                expires: entry.expires,
                firstSeen: Timestamp(millisecondsSince1970: firstSeen),
                lastSeen: entry.time,
                retractedAt: nil,
                lastIndex: entry.index,
                receivedFrom: receivedFrom,
                receivedAt: Timestamp(millisecondsSince1970: receivedAt),
                disputes: []
            )
            return .asserted(entry.kind, entry.digest, record)
        case .retract:
            let retract = statements.retract
            retract.bind(time, at: 1)
            retract.bind(index, at: 2)
            retract.bind(receivedFrom.rawValue, at: 3)
            retract.bind(receivedAt, at: 4)
            retract.bind(entry.kind.name, at: 5)
            retract.bind(entry.digest, at: 6)
            retract.bind(entry.origin.rawValue, at: 7)
            try retract.run()
            return .retracted(entry.kind, entry.digest, origin: entry.origin)
        case .dispute:
            guard let disputed = entry.disputedOrigin else { return nil }
            try statements.dispute.execute(
                arguments: [
                    entry.kind.name, entry.digest.data, disputed.rawValue, entry.origin.rawValue, entry.reason,
                    entry.note, time, index,
                ]
            )
            let record = DisputeRecord(disputer: entry.origin, reason: entry.reason, note: entry.note, time: entry.time)
            return .disputed(entry.kind, entry.digest, disputedOrigin: disputed, record)
        }
    }
}
