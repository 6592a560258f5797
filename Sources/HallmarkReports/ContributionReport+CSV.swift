import Foundation
import HallmarkMember
import HallmarkRecords

extension ContributionReport {
    /// The CSV columns, in order.
    public static let csvColumns = [
        "member", "kind", "month", "assertions", "retractions", "disputes_made", "disputes_received", "indicators",
        "indicators_disputed", "dispute_share",
    ]

    /// The report as CSV (RFC 4180: CRLF line ends, fields quoted when they need it): a header, then one row per
    /// member, kind and month that has counts, by member, month and kind. `dispute_share` is a fraction from 0 to 1
    /// with four decimals, empty when the member first asserted no indicator of that kind that month.
    public func csv() -> String {
        var lines = [Self.csvColumns.joined(separator: ",")]
        for member in members {
            for row in member.months {
                let counts = row.counts
                let fields = [
                    member.member, row.kind, row.month ?? "", String(counts.assertions), String(counts.retractions),
                    String(counts.disputesMade), String(counts.disputesReceived), String(counts.indicators),
                    String(counts.indicatorsDisputed), counts.disputeShare.map { Self.decimal($0, digits: 4) } ?? "",
                ]
                lines.append(fields.map(Self.csvField).joined(separator: ","))
            }
        }
        return lines.map { $0 + "\r\n" }.joined()
    }

    /// A field quoted when it holds a comma, a quote or a line break, its quotes doubled.
    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else {
            return text
        }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// `value` with exactly `digits` decimals, `.` as the separator whatever the locale.
    static func decimal(_ value: Double, digits: Int) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = Int((value * scale).rounded())
        let whole = scaled / Int(scale), fraction = String(scaled % Int(scale))
        guard digits > 0 else { return String(whole) }
        return "\(whole)." + String(repeating: "0", count: digits - fraction.count) + fraction
    }
}
