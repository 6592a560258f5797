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

    /// This member's own current assertion about an indicator, if it has one.
    public func ownAssertion(kind: IndicatorKind, digest: Hash256) throws -> AssertionRecord? {
        try HallmarkStore.assertions(kind: kind, digest: digest, in: db).first { $0.origin == member }
    }

    /// Every member's assertion about an indicator.
    public func assertions(kind: IndicatorKind, digest: Hash256) throws -> [AssertionRecord] {
        try HallmarkStore.assertions(kind: kind, digest: digest, in: db)
    }
}

extension HallmarkStore {
    /// Extends this member's own log: `makeBatch` sees the current head and state and returns the
    /// batch to append (or `nil` for nothing) plus any result of its own, all in one write transaction.
    public func extendOwnLog<Result: Sendable>(
        _ makeBatch: @escaping @Sendable (OwnLogView) throws -> (batch: LogBatch?, result: Result)
    ) async throws -> (outcome: AppendOutcome, result: Result) {
        let member = selfMember
        let now = Timestamp.now().millisecondsSince1970
        let (committed, result): (Committed?, Result) = try await write { db in
            let view = OwnLogView(head: try Self.logHead(of: member, in: db), db: db, member: member)
            let (batch, result) = try makeBatch(view)
            guard let batch else {
                return (nil, result)
            }
            guard batch.origin == member else {
                throw HallmarkError(.notPermitted, "only \(member)'s own log can be extended here")
            }
            return (try Self.append(batch, receivedAt: now, in: db), result)
        }
        guard let committed else {
            let size = try await logHead(of: member)?.treeSize ?? 0
            return (AppendOutcome(appended: 0, treeSize: size), result)
        }
        try await insertIntoFilter(committed)
        return (committed.outcome, result)
    }
}
