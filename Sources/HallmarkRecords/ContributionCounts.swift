/// What one member contributed, and what others said of it, over some slice of time and kinds: counts of its log
/// entries, of the disputes other members filed against it, and of the indicators it newly asserted.
///
/// Every count is additive: the counts of a member's months add up to its total, and its kinds' to the same total,
/// because each indicator is counted once, in the month of the member's first assertion of it.
public struct ContributionCounts: Sendable, Hashable, Codable {
    /// `assert` entries in the member's log (first assertions and renewals alike).
    public var assertions = 0
    /// `retract` entries in the member's log.
    public var retractions = 0
    /// `dispute` entries in the member's log: its disputes of other members' assertions.
    public var disputesMade = 0
    /// `dispute` entries in other members' logs that name this member as the one disputed.
    public var disputesReceived = 0
    /// Distinct indicators (kind and digest) the member first asserted in the slice.
    public var indicators = 0
    /// Of ``indicators``, those that at least one other member has disputed against this member, at any time.
    public var indicatorsDisputed = 0

    /// Counts of zero.
    public init() {}

    /// Counts with the given values.
    public init(
        assertions: Int = 0,
        retractions: Int = 0,
        disputesMade: Int = 0,
        disputesReceived: Int = 0,
        indicators: Int = 0,
        indicatorsDisputed: Int = 0
    ) {
        self.assertions = assertions
        self.retractions = retractions
        self.disputesMade = disputesMade
        self.disputesReceived = disputesReceived
        self.indicators = indicators
        self.indicatorsDisputed = indicatorsDisputed
    }

    /// ``indicatorsDisputed`` ÷ ``indicators``, from 0 to 1; `nil` when the member first asserted no indicator.
    public var disputeShare: Double? {
        indicators == 0 ? nil : Double(indicatorsDisputed) / Double(indicators)
    }

    /// Whether every count is zero.
    public var isEmpty: Bool { self == ContributionCounts() }

    /// Adds `other`'s counts to these.
    public static func += (counts: inout ContributionCounts, other: ContributionCounts) {
        counts.assertions += other.assertions
        counts.retractions += other.retractions
        counts.disputesMade += other.disputesMade
        counts.disputesReceived += other.disputesReceived
        counts.indicators += other.indicators
        counts.indicatorsDisputed += other.indicatorsDisputed
    }

    private enum CodingKeys: String, CodingKey {
        case assertions, retractions, disputesMade, disputesReceived, indicators, indicatorsDisputed, disputeShare
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        assertions = try container.decode(Int.self, forKey: .assertions)
        retractions = try container.decode(Int.self, forKey: .retractions)
        disputesMade = try container.decode(Int.self, forKey: .disputesMade)
        disputesReceived = try container.decode(Int.self, forKey: .disputesReceived)
        indicators = try container.decode(Int.self, forKey: .indicators)
        indicatorsDisputed = try container.decode(Int.self, forKey: .indicatorsDisputed)
    }

    // The share is written too (null when there is nothing to divide), so a reader need not compute it.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(assertions, forKey: .assertions)
        try container.encode(retractions, forKey: .retractions)
        try container.encode(disputesMade, forKey: .disputesMade)
        try container.encode(disputesReceived, forKey: .disputesReceived)
        try container.encode(indicators, forKey: .indicators)
        try container.encode(indicatorsDisputed, forKey: .indicatorsDisputed)
        try container.encode(disputeShare, forKey: .disputeShare)
    }
}
