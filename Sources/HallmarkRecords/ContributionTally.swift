import HallmarkCore

/// What each member contributed and received, per indicator kind and month: the raw material of a contribution
/// report, read from the store in one transaction (``HallmarkStore/contributions(since:)``).
public struct ContributionTally: Sendable, Equatable {
    /// Every member the store knows (its certificate or its log is held), sorted, also those with no counts.
    public var members: [MemberID]
    /// The counts per member, kind and month; cells whose counts are all zero are absent.
    public var cells: [ContributionKey: ContributionCounts]

    /// A tally.
    /// - Parameters:
    ///   - members: Every member the store knows, sorted.
    ///   - cells: The counts per member, kind and month.
    public init(members: [MemberID], cells: [ContributionKey: ContributionCounts]) {
        self.members = members
        self.cells = cells
    }
}
