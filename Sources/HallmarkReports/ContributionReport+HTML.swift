import HallmarkCore
import HallmarkMember
import HallmarkRecords

extension ContributionReport {
    /// The most months a chart shows: the latest ones (the tables list them all).
    public static let chartMonths = 36

    /// The most members the overview chart stacks one by one; the others are added up as one part.
    static let chartMembers = 7

    /// The report as one self-contained HTML page: no script, nothing fetched, so it opens offline and prints.
    ///
    /// The markup is also well-formed XML (XHTML syntax), every text escaped. It holds an overview table, a chart of
    /// each member's assertions per month, a chart of each member's dispute share, and per member a chart of its
    /// assertions, retractions and disputes received per month above a table of its counts by month and kind.
    public func html() -> String {
        let escape = ContributionChart.escaped
        let title = "Hallmark contribution report, \(node), \(generatedAt.iso8601.prefix(10))"
        var page = """
            <!DOCTYPE html>
            <html xmlns="http://www.w3.org/1999/xhtml" lang="en">
            <head>
            <meta charset="utf-8"/>
            <meta name="viewport" content="width=device-width, initial-scale=1"/>
            <title>\(escape(title))</title>
            <style>
            body { font-family: sans-serif; margin: 2em auto; max-width: 64em; padding: 0 1em; color: #222222; }
            h1 { font-size: 1.6em; margin-bottom: 0.2em; }
            h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 1px solid #cccccc; }
            p.meta, p.note { color: #555555; }
            table { border-collapse: collapse; margin: 1em 0; font-size: 0.9em; }
            th, td { padding: 0.25em 0.7em; border-bottom: 1px solid #e4e4e4; }
            th { text-align: left; background: #f3f3f3; }
            td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
            tr.total td { font-weight: bold; border-top: 2px solid #999999; }
            figure { margin: 1em 0; overflow-x: auto; }
            svg { max-width: 100%; height: auto; }
            @media print { body { margin: 0; max-width: none; } section, figure, table { break-inside: avoid; } }
            </style>
            </head>
            <body>
            <h1>Contribution report</h1>
            <p class="meta">Logs held by the node of <strong>\(escape(node))</strong>, \
            made \(escape(generatedAt.iso8601)). Period: \(escape(periodDescription)).</p>
            <p class="note">Counts are of log entries: assertions, retractions and disputes a member made, and \
            disputes other members made against it, in the month of each entry. Indicators are counted once, in the \
            month the member first asserted them. The \(escape(Self.disputeShareDefinition)).</p>

            """
        page += "<section>\n<h2>All members</h2>\n"
        page += summaryTable()
        let shown = Array(months.suffix(Self.chartMonths))
        let shownNote = shown.count < months.count ? " (latest \(shown.count) months)" : ""
        page += figure(
            ContributionChart.stackedBars(
                title: "Assertions per month, by member\(shownNote)",
                categories: shown,
                series: assertionSeries(months: shown),
                xLabel: "month (UTC)",
                yLabel: "assertions"
            )
        )
        page += figure(
            ContributionChart.horizontalBars(
                title: "Dispute share: indicators disputed by other members",
                bars: members.map { member in
                    let totals = member.totals
                    let disputed = ContributionChart.grouped(totals.indicatorsDisputed)
                    let indicators = ContributionChart.grouped(totals.indicators)
                    let share = "\(Self.percent(totals.disputeShare)) (\(disputed) of \(indicators))"
                    return ContributionChart.Bar(
                        label: member.member,
                        value: totals.disputeShare,
                        caption: totals.indicators == 0 ? "no indicators" : share
                    )
                },
                xLabel: "share of the member's indicators disputed (%)"
            )
        )
        page += "</section>\n"
        for member in members {
            page += "<section>\n<h2>\(escape(member.member))</h2>\n"
            guard !member.months.isEmpty else {
                page += "<p>Nothing in the period.</p>\n</section>\n"
                continue
            }
            page += figure(
                ContributionChart.stackedBars(
                    title: "\(member.member): entries per month\(shownNote)",
                    categories: shown,
                    series: memberSeries(member, months: shown),
                    xLabel: "month (UTC)",
                    yLabel: "entries"
                )
            )
            page += monthTable(member)
            page += "</section>\n"
        }
        return page + "</body>\n</html>\n"
    }

    private static let countHeaders = [
        "assertions", "retractions", "disputes made", "disputes received", "indicators", "indicators disputed",
        "dispute share",
    ]

    private func summaryTable() -> String {
        var table = tableHead(["member"], numbers: Self.countHeaders)
        for member in members {
            table += row([member.member], member.totals)
        }
        table += row(["all members"], totals, class: "total")
        return table + "</tbody></table>\n"
    }

    private func monthTable(_ member: Contributor) -> String {
        var table = tableHead(["month", "kind"], numbers: Self.countHeaders)
        for line in member.months {
            table += row([line.month ?? "", line.kind], line.counts)
        }
        for line in member.kinds {
            table += row(["all months", line.kind], line.counts, class: "total")
        }
        return table + "</tbody></table>\n"
    }

    private func tableHead(_ labels: [String], numbers: [String]) -> String {
        "<table><thead><tr>"
            + labels.map { "<th>\(ContributionChart.escaped($0))</th>" }.joined()
            + numbers.map { #"<th class="n">\#(ContributionChart.escaped($0))</th>"# }.joined()
            + "</tr></thead><tbody>\n"
    }

    private func row(_ labels: [String], _ counts: ContributionCounts, class name: String? = nil) -> String {
        let figures =
            [
                counts.assertions, counts.retractions, counts.disputesMade, counts.disputesReceived, counts.indicators,
                counts.indicatorsDisputed,
            ].map(ContributionChart.grouped) + [Self.percent(counts.disputeShare)]
        return (name.map { #"<tr class="\#($0)">"# } ?? "<tr>")
            + labels.map { "<td>\(ContributionChart.escaped($0))</td>" }.joined()
            + figures.map { #"<td class="n">\#(ContributionChart.escaped($0))</td>"# }.joined()
            + "</tr>\n"
    }

    private func figure(_ svg: String) -> String {
        "<figure>\n" + svg + "\n</figure>\n"
    }

    /// Assertions per month of the members with the most, one part each, the rest added up as one.
    private func assertionSeries(months shown: [String]) -> [ContributionChart.Series] {
        let ranked = members.filter { $0.totals.assertions > 0 }.sorted {
            ($0.totals.assertions, $1.member) > ($1.totals.assertions, $0.member)
        }
        let named = ranked.prefix(ranked.count > Self.chartMembers + 1 ? Self.chartMembers : ranked.count)
        var series = named.enumerated().map { index, member in
            ContributionChart.Series(
                name: member.member,
                color: ContributionChart.palette[index % ContributionChart.palette.count],
                values: Self.monthly(member.months, in: shown, \.assertions)
            )
        }
        if named.count < ranked.count {
            let others = ranked.dropFirst(named.count)
            series.append(
                ContributionChart.Series(
                    name: "\(others.count) other members",
                    color: ContributionChart.palette[ContributionChart.palette.count - 1],
                    values: shown.indices.map { index in
                        others.reduce(0) { $0 + Self.monthly($1.months, in: shown, \.assertions)[index] }
                    }
                )
            )
        }
        return series
    }

    private func memberSeries(_ member: Contributor, months shown: [String]) -> [ContributionChart.Series] {
        [
            ContributionChart.Series(
                name: "assertions",
                color: ContributionChart.palette[0],
                values: Self.monthly(member.months, in: shown, \.assertions)
            ),
            ContributionChart.Series(
                name: "retractions",
                color: ContributionChart.palette[1],
                values: Self.monthly(member.months, in: shown, \.retractions)
            ),
            ContributionChart.Series(
                name: "disputes received",
                color: ContributionChart.palette[5],
                values: Self.monthly(member.months, in: shown, \.disputesReceived)
            ),
        ]
    }

    /// One count per month of `shown`, added up over kinds.
    private static func monthly(_ rows: [Row], in shown: [String], _ field: KeyPath<ContributionCounts, Int>) -> [Int] {
        var byMonth: [String: Int] = [:]
        for row in rows { byMonth[row.month ?? "", default: 0] += row.counts[keyPath: field] }
        return shown.map { byMonth[$0] ?? 0 }
    }
}
