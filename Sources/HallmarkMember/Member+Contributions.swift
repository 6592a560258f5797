import HallmarkCore
import HallmarkRecords
import HallmarkStore

extension Member {
    /// The contribution report of every member whose log or certificate this node holds, counted from `since` on
    /// (everything when `nil`).
    /// - Parameters:
    ///   - since: The start of the period, or `nil` for every entry held.
    ///   - now: When the report is made (for its header).
    /// - Throws: ``HallmarkError`` when the store cannot be read.
    public func contributionReport(since: Timestamp? = nil, now: Timestamp = .now()) async throws
        -> ContributionReport
    {
        ContributionReport(
            try await store.contributions(since: since),
            node: identity.member,
            generatedAt: now,
            since: since
        )
    }
}
