import HallmarkCore

/// One cell of a contribution tally: a member, an indicator kind and a calendar month in UTC.
public struct ContributionKey: Hashable, Sendable, Comparable {
    /// The member the counts are about.
    public var member: MemberID
    /// The indicator kind (possibly one this node does not know, carried in a newer member's log).
    public var kind: IndicatorKind
    /// The month, `YYYY-MM`, UTC.
    public var month: String

    /// A cell.
    /// - Parameters:
    ///   - member: The member the counts are about.
    ///   - kind: The indicator kind.
    ///   - month: The month, `YYYY-MM`, UTC.
    public init(member: MemberID, kind: IndicatorKind, month: String) {
        self.member = member
        self.kind = kind
        self.month = month
    }

    /// The month of `time`, `YYYY-MM`, UTC.
    public static func month(of time: Timestamp) -> String {
        String(time.iso8601.prefix(7))
    }

    /// By member, then month, then kind.
    public static func < (lhs: ContributionKey, rhs: ContributionKey) -> Bool {
        (lhs.member, lhs.month, lhs.kind) < (rhs.member, rhs.month, rhs.kind)
    }
}
