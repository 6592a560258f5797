import HallmarkCore
import HallmarkRecords
import HallmarkStore

/// Who contributes what to the alliance, and who is disputed how often, month by month: per member, its
/// assertions, retractions and disputes made, the disputes other members filed against it, and the share of its
/// indicators that others dispute, by indicator kind and UTC month.
///
/// Built from everything this node holds (``Member/contributionReport(since:now:)``). Rendered as JSON (it is
/// `Codable`), CSV (``csv()``), HTML with charts (``html()``) and text (``text()``).
public struct ContributionReport: Sendable, Codable, Equatable {
    /// How the dispute share is defined, written into every form of the report.
    public static let disputeShareDefinition =
        "dispute share = of the distinct indicators (kind and digest) a member first asserted in the period, "
        + "the share that at least one other member has disputed against it, at any time up to the report"

    /// The member whose node made the report (its store is what is counted).
    public var node: String
    /// When the report was made.
    public var generatedAt: Timestamp
    /// The start of the period counted; `nil` when every entry held counts.
    public var since: Timestamp?
    /// The months covered, `YYYY-MM` in UTC, ascending, without gaps: from the first with counts (or the month of
    /// ``since``) to the month of ``generatedAt`` (or a later one with counts). Only those with counts, and the
    /// report's own, when they span more than ``maximumFilledMonths``.
    public var months: [String]
    /// The kinds that have counts, sorted.
    public var kinds: [String]
    /// ``disputeShareDefinition``.
    public var disputeShareDefinition: String
    /// Every member's counts added up.
    public var totals: ContributionCounts
    /// One per member the node knows, by member id, also those with nothing in the period.
    public var members: [Contributor]

    /// The longest span of months listed with the empty months between; beyond it only months with counts are listed
    /// (a log may carry times decades apart).
    public static let maximumFilledMonths = 120

    /// One member's part of the report.
    public struct Contributor: Sendable, Codable, Equatable {
        /// The member id.
        public var member: String
        /// Its counts over the whole period.
        public var totals: ContributionCounts
        /// Its counts per kind over the whole period, by kind.
        public var kinds: [Row]
        /// Its counts per kind and month: one row for each that has counts, by month then kind.
        public var months: [Row]

        /// A member's part.
        /// - Parameters:
        ///   - member: The member id.
        ///   - totals: Its counts over the whole period.
        ///   - kinds: Its counts per kind (rows without a month).
        ///   - months: Its counts per kind and month.
        public init(member: String, totals: ContributionCounts, kinds: [Row], months: [Row]) {
            self.member = member
            self.totals = totals
            self.kinds = kinds
            self.months = months
        }
    }

    /// The counts of one kind, in one month or (``month`` `nil`) over the whole period. In JSON the counts sit beside
    /// `kind` and `month`, flat.
    public struct Row: Sendable, Codable, Equatable {
        /// The indicator kind.
        public var kind: String
        /// The month, `YYYY-MM` UTC; `nil` for a whole-period row.
        public var month: String?
        /// The counts.
        public var counts: ContributionCounts

        /// A row.
        /// - Parameters:
        ///   - kind: The indicator kind.
        ///   - month: The month, `YYYY-MM` UTC, or `nil` for the whole period.
        ///   - counts: The counts.
        public init(kind: String, month: String?, counts: ContributionCounts) {
            self.kind = kind
            self.month = month
            self.counts = counts
        }

        private enum CodingKeys: String, CodingKey { case kind, month }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            kind = try container.decode(String.self, forKey: .kind)
            month = try container.decodeIfPresent(String.self, forKey: .month)
            counts = try ContributionCounts(from: decoder)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(kind, forKey: .kind)
            try container.encodeIfPresent(month, forKey: .month)
            try counts.encode(to: encoder)
        }
    }

    /// A report.
    /// - Parameters:
    ///   - node: The member whose node made it.
    ///   - generatedAt: When it was made.
    ///   - since: The start of the period; `nil` for everything held.
    ///   - months: The months covered, ascending.
    ///   - members: One per member.
    public init(node: String, generatedAt: Timestamp, since: Timestamp?, months: [String], members: [Contributor]) {
        self.node = node
        self.generatedAt = generatedAt
        self.since = since
        self.months = months
        self.members = members
        kinds = Set(members.flatMap { $0.kinds.map(\.kind) }).sorted()
        disputeShareDefinition = Self.disputeShareDefinition
        totals = ContributionCounts()
        for member in members { totals += member.totals }
    }

    /// Arranges a tally from the store by member, kind and month.
    /// - Parameters:
    ///   - tally: The store's counts.
    ///   - node: The member whose node made the report.
    ///   - generatedAt: When.
    ///   - since: The start of the period, if any.
    public init(_ tally: ContributionTally, node: MemberID, generatedAt: Timestamp, since: Timestamp?) {
        var byMember: [MemberID: [(key: ContributionKey, counts: ContributionCounts)]] = [:]
        for (key, counts) in tally.cells where !counts.isEmpty {
            byMember[key.member, default: []].append((key, counts))
        }
        let members = tally.members.map { member in
            let cells = (byMember[member] ?? []).sorted { $0.key < $1.key }
            var totals = ContributionCounts()
            var kinds: [IndicatorKind: ContributionCounts] = [:]
            for cell in cells {
                totals += cell.counts
                kinds[cell.key.kind, default: ContributionCounts()] += cell.counts
            }
            return Contributor(
                member: member.rawValue,
                totals: totals,
                kinds: kinds.sorted { $0.key < $1.key }.map { Row(kind: $0.key.name, month: nil, counts: $0.value) },
                months: cells.map { Row(kind: $0.key.kind.name, month: $0.key.month, counts: $0.counts) }
            )
        }
        // From the start of the period (when given) to the month of the report, so that months without entries show.
        var months = Set(tally.cells.keys.map(\.month))
        months.insert(ContributionKey.month(of: generatedAt))
        if let since { months.insert(ContributionKey.month(of: since)) }
        self.init(
            node: node.rawValue,
            generatedAt: generatedAt,
            since: since,
            months: Self.filled(months.sorted()),
            members: members
        )
    }

    /// `months` with the months between them, unless they span more than ``maximumFilledMonths``.
    static func filled(_ months: [String]) -> [String] {
        guard let first = months.first.flatMap(MonthNumber.init), let last = months.last.flatMap(MonthNumber.init),
            last.value - first.value < maximumFilledMonths
        else { return months }
        return (first.value...last.value).map { MonthNumber(value: $0).text }
    }

    /// A month as a count of months since year 0, for stepping through months.
    private struct MonthNumber {
        var value: Int

        init(value: Int) { self.value = value }

        init?(_ text: String) {
            let parts = text.split(separator: "-")
            guard parts.count == 2, let year = Int(parts[0]), let month = Int(parts[1]) else { return nil }
            value = year * 12 + month - 1
        }

        var text: String {
            let year = String(value / 12), month = String(value % 12 + 1)
            return String(repeating: "0", count: max(0, 4 - year.count)) + year + "-"
                + (month.count == 1 ? "0" : "") + month
        }
    }
}
