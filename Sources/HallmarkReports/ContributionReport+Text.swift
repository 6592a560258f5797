import HallmarkCore
import HallmarkMember
import HallmarkRecords

extension ContributionReport {
    /// The report for a terminal: a summary line per member, then each member's counts by month and kind, in
    /// aligned columns.
    public func text() -> String {
        var lines = [
            "Contribution report of the logs held by \(node)'s node, made \(generatedAt.iso8601)",
            "Period: " + periodDescription,
            Self.disputeShareDefinition + ".",
            "",
        ]
        let headers = ["assertions", "retractions", "disputes made", "disputes received", "indicators", "disputed"]
        var summary = [["member"] + headers + ["dispute share"]]
        for member in members {
            summary.append([member.member] + Self.cells(member.totals))
        }
        summary.append(["all members"] + Self.cells(totals))
        lines += Self.aligned(summary, textColumns: 1)
        for member in members where !member.months.isEmpty {
            lines += ["", "\(member.member), by month and kind:"]
            var table = [["month", "kind"] + headers + ["dispute share"]]
            for row in member.months {
                table.append([row.month ?? "", row.kind] + Self.cells(row.counts))
            }
            lines += Self.aligned(table, textColumns: 2).map { "  " + $0 }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The period in words: since when, and the months it covers.
    public var periodDescription: String {
        let start = since.map { "entries from \($0.iso8601) on" } ?? "every entry held"
        guard let first = months.first, let last = months.last else { return start + " (none)" }
        return start + (first == last ? " (month \(first), UTC)" : " (months \(first) to \(last), UTC)")
    }

    /// A share as a percentage with one decimal, `-` when there is none.
    static func percent(_ share: Double?) -> String {
        share.map { decimal($0 * 100, digits: 1) + " %" } ?? "-"
    }

    private static func cells(_ counts: ContributionCounts) -> [String] {
        [
            counts.assertions, counts.retractions, counts.disputesMade, counts.disputesReceived, counts.indicators,
            counts.indicatorsDisputed,
        ].map(String.init) + [percent(counts.disputeShare)]
    }

    /// Rows padded into columns: the first `textColumns` to the left, the numbers after them to the right.
    private static func aligned(_ rows: [[String]], textColumns: Int) -> [String] {
        guard let columns = rows.map(\.count).max() else { return [] }
        let widths = (0..<columns).map { column in rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, cell in
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                return column < textColumns ? cell + padding : padding + cell
            }.joined(separator: "  ").trimmingTrailingSpaces()
        }
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
