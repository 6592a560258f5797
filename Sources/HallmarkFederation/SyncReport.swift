import HallmarkCore

/// What one round of sync with one peer did.
public struct SyncReport: Sendable, CustomStringConvertible {
    /// A log the peer offered that could not be taken, and why.
    public struct Rejection: Sendable {
        /// The origin whose log it was.
        public var origin: String
        /// What did not verify.
        public var reason: String
        /// The class of error, when it was a ``HallmarkError`` (such as `equivocation` or `bad-signature`).
        public var code: HallmarkError.Code?
    }

    /// The peer.
    public var peer: PeerAddress
    /// Entries fetched, verified and committed, by origin, including those a fetch committed before it failed
    /// part-way (they stay, and the next round resumes after them: see ``interrupted``).
    public var fetched: [MemberID: Int] = [:]
    /// Batches (chunks of a log under one checkpoint) fetched, verified and committed.
    public var batches = 0
    /// Entries the peer offers that this node still lacks after handling them, by origin: zero unless a log was
    /// rejected, quarantined or interrupted.
    public var lagByOrigin: [MemberID: UInt64] = [:]
    /// Logs rejected, with the reason; nothing of them was stored.
    public var rejected: [Rejection] = []
    /// Origins the peer offers more of that this node did not fetch, because they are quarantined.
    public var quarantined: [MemberID] = []
    /// Why the round did not bring everything the peer offered: it stopped before handling every head (the connection
    /// was lost, and lost again after reconnecting), or a fetch failed part-way after committing some of its chunks
    /// (counted in ``fetched``). The rest is fetched in a later round. `nil` when it went through.
    public var interrupted: String?

    /// Entries fetched from every origin together.
    public var totalFetched: Int { fetched.values.reduce(0, +) }

    /// Adds what another part of the same round did.
    mutating func merge(_ other: SyncReport) {
        fetched.merge(other.fetched, uniquingKeysWith: +)
        batches += other.batches
        lagByOrigin.merge(other.lagByOrigin) { _, later in later }
        rejected += other.rejected
        quarantined += other.quarantined
        interrupted = other.interrupted ?? interrupted
    }

    public var description: String {
        var parts = ["\(totalFetched) entries from \(peer)"]
        for (origin, count) in fetched.sorted(by: { $0.key < $1.key }) { parts.append("\(origin): \(count)") }
        for rejection in rejected { parts.append("REJECTED \(rejection.origin): \(rejection.reason)") }
        for origin in quarantined { parts.append("quarantined \(origin): not fetched") }
        if let interrupted { parts.append("INTERRUPTED: \(interrupted)") }
        return parts.joined(separator: "; ")
    }
}
