import HallmarkCore

/// What one round of sync with one peer did.
public struct SyncReport: Sendable, CustomStringConvertible {
    /// A log the peer offered that could not be taken, and why.
    public struct Rejection: Sendable {
        /// The origin whose log it was.
        public var origin: String
        /// What did not verify.
        public var reason: String
    }

    /// The peer.
    public var peer: PeerAddress
    /// Entries fetched, verified and committed, by origin.
    public var fetched: [MemberID: Int] = [:]
    /// Logs rejected, with the reason; nothing of them was stored.
    public var rejected: [Rejection] = []

    /// Entries fetched from every origin together.
    public var totalFetched: Int { fetched.values.reduce(0, +) }

    public var description: String {
        var parts = ["\(totalFetched) entries from \(peer)"]
        for (origin, count) in fetched.sorted(by: { $0.key < $1.key }) { parts.append("\(origin): \(count)") }
        for rejection in rejected { parts.append("REJECTED \(rejection.origin): \(rejection.reason)") }
        return parts.joined(separator: "; ")
    }
}
