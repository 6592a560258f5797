import GRDB
import HallmarkCore
import HallmarkRecords

/// A read view of this member's own log inside the transaction that extends it.
///
/// Reading and appending in one transaction means two processes submitting at once never sign
/// two different checkpoints for the same tree size.
public struct OwnLogView {
    /// This member's log head, or `nil` before its first entry.
    public let head: LogHead?
    let db: Database
    let member: MemberID
    /// The filter, when it holds every digest this member's log lists up to ``head``: then a digest it does not hold
    /// has no assertion of this member in force, and the store need not be asked.
    let coveringFilter: FilterIndex?

    /// This member's own current assertion about an indicator, if it has one.
    public func ownAssertion(kind: IndicatorKind, digest: Hash256) throws -> AssertionRecord? {
        try HallmarkStore.assertions(kind: kind, digest: digest, in: db).first { $0.origin == member }
    }

    /// This member's own assertion about an indicator if it is in force at `time` (listed, not expired), as
    /// ``ownAssertion(kind:digest:)`` with ``AssertionRecord/isInForce(at:)``; for a new indicator, one probe of the
    /// in-memory filter instead of a query (an import of a million new ones asks the store nothing).
    public func ownAssertionInForce(kind: IndicatorKind, digest: Hash256, at time: Timestamp) throws -> AssertionRecord?
    {
        if let coveringFilter, !coveringFilter.mayContain(digest) { return nil }
        return try ownAssertion(kind: kind, digest: digest).flatMap { $0.isInForce(at: time) ? $0 : nil }
    }

    /// Every member's assertion about an indicator.
    public func assertions(kind: IndicatorKind, digest: Hash256) throws -> [AssertionRecord] {
        try HallmarkStore.assertions(kind: kind, digest: digest, in: db)
    }
}

/// A batch of this member's own entries made ahead of the transaction that appends it, against the head the log will
/// have then (``HallmarkStore/readOwnLog(after:_:)``): appended as made if the log still ends at ``base``, made again
/// inside the transaction otherwise.
public struct PreparedOwnBatch<Result: Sendable>: Sendable {
    /// The head the batch extends: its size and root (size 0 and the empty root for an empty log).
    public var base: (treeSize: UInt64, rootHash: Hash256)
    /// The batch, or `nil` when there is nothing to append.
    public var batch: LogBatch?
    /// The maker's own result.
    public var result: Result

    /// Creates a prepared batch.
    public init(base: (treeSize: UInt64, rootHash: Hash256), batch: LogBatch?, result: Result) {
        self.base = base
        self.batch = batch
        self.result = result
    }
}

extension HallmarkStore {
    /// Reads this member's own log in a snapshot, to make a batch ahead of the transaction that will append it, while
    /// the batch before it (`pending`: the sizes it takes the log from and to) may still be committing.
    ///
    /// The snapshot's head is then either end of `pending`, and `body` must consult what `pending` asserts before
    /// the view (the view may not show it yet); the view's filter is used when it covers either. Returns `nil` when
    /// the log is elsewhere (another writer appended): the batch is then better made inside the transaction.
    public func readOwnLog<T: Sendable>(
        after pending: (from: UInt64, to: UInt64)?,
        _ body: @escaping @Sendable (OwnLogView) throws -> T
    ) async throws -> T? {
        let member = selfMember
        return try await database.read { db in
            let head = try Self.logHead(of: member, in: db)
            let size = head?.treeSize ?? 0
            let accepted: Set<UInt64> = pending.map { [$0.from, $0.to] } ?? [size]
            guard accepted.contains(size) else { return nil }
            return try body(OwnLogView(head: head, db: db, member: member, coveringFilter: filterCovering(accepted)))
        }
    }

    /// The filter, when it is loaded and holds every digest this member's log lists up to one of `sizes`.
    private func filterCovering(_ sizes: Set<UInt64>) -> FilterIndex? {
        guard filter.isLoaded, sizes.contains(filter.coveredSizes?[selfMember] ?? 0) else { return nil }
        return filter
    }

    /// Extends this member's own log: `makeBatch` sees the current head and state and returns the
    /// batch to append (or `nil` for nothing) plus any result of its own, all in one write transaction.
    /// - Parameter prepared: A batch made ahead (``readOwnLog(after:_:)``): appended instead of calling `makeBatch`
    ///   when the log still ends at its base.
    public func extendOwnLog<Result: Sendable>(
        prepared: PreparedOwnBatch<Result>? = nil,
        _ makeBatch: @escaping @Sendable (OwnLogView) throws -> (batch: LogBatch?, result: Result)
    ) async throws -> (outcome: AppendOutcome, result: Result) {
        let member = selfMember
        let collecting = listed.isEnabled
        let (committed, result): (Committed?, Result) = try await write { db in
            let head = try Self.logHead(of: member, in: db)
            let made: (batch: LogBatch?, result: Result)
            if let prepared, prepared.base.treeSize == head?.treeSize ?? 0,
                prepared.base.rootHash == head?.rootHash ?? MerkleHash.emptyRoot
            {
                made = (prepared.batch, prepared.result)
            } else {
                // Appends in this process add their digests to the filter right after their commit, so the filter can
                // lag the head read here (another append just committed, or another process wrote): then it is not used.
                let covering = filterCovering([head?.treeSize ?? 0])
                let view = OwnLogView(head: head, db: db, member: member, coveringFilter: covering)
                made = try makeBatch(view)
            }
            let (batch, result) = made
            guard let batch else {
                return (nil, result)
            }
            guard batch.origin == member else {
                throw HallmarkError(.notPermitted, "only \(member)'s own log can be extended here")
            }
            let receivedAt = try Self.receiptTime(in: db)
            return (try Self.append(batch, receivedAt: receivedAt, collectingChanges: collecting, in: db), result)
        }
        guard let committed else {
            let size = try await logHead(of: member)?.treeSize ?? 0
            return (AppendOutcome(appended: 0, treeSize: size), result)
        }
        try await updateIndexes(after: committed)
        return (committed.outcome, result)
    }
}
