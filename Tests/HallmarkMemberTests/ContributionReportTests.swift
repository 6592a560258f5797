import Foundation
import HallmarkCore
import HallmarkDocuments
import HallmarkRecords
import HallmarkStore
import HallmarkTestSupport
import Testing

@testable import HallmarkMember
@testable import HallmarkReports

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// `Member.contributionReport(since:now:)` over real nodes whose logs are relayed between them, and the report's
/// JSON, CSV, HTML and text forms.
@Suite("ContributionReport")
struct ContributionReportTests {
    /// brand-a asserts three SKUs and a seller and retracts one SKU; brand-b asserts two SKUs (one the same as
    /// brand-a's) and disputes brand-a's; brand-a holds both logs.
    static func report() async throws -> (ContributionReport, [NodeFixture]) {
        let a = try await NodeFixture.make("brand-a")
        let b = try await NodeFixture.make("brand-b")
        let skus = try ["SKU-1", "SKU-2", "SKU-3"].map { try Identifier(kind: .sku, value: $0) }
        let seller = try Identifier(kind: .seller, value: "shopmart:fake bags")
        try await a.node.submit((skus + [seller]).map { Submission(identifier: $0) })
        try await a.node.retract([skus[2]])
        try await b.node.submit([
            Submission(identifier: skus[0]), Submission(identifier: try .init(kind: .sku, value: "B-9")),
        ])
        try await b.receive(logOf: a.node.identity.member, from: a.node)
        try await b.node.dispute(skus[1], origin: a.node.identity.member, reason: "authorized.reseller", note: "ours")
        try await a.receive(logOf: b.node.identity.member, from: b.node)
        return (try await a.node.contributionReport(), [a, b])
    }

    @Test("counts per member, with totals that add up over kinds and months")
    func counts() async throws {
        let (report, fixtures) = try await Self.report()
        defer { fixtures.forEach { $0.remove() } }
        #expect(report.node == "brand-a")
        #expect(report.since == nil)
        #expect(report.members.map(\.member) == ["brand-a", "brand-b"])
        #expect(report.kinds == ["seller", "sku"])
        let a = try #require(report.members.first)
        #expect(
            a.totals
                == ContributionCounts(
                    assertions: 4,
                    retractions: 1,
                    disputesReceived: 1,
                    indicators: 4,
                    indicatorsDisputed: 1
                )
        )
        #expect(a.totals.disputeShare == 0.25)
        let b = report.members[1]
        #expect(b.totals == ContributionCounts(assertions: 2, disputesMade: 1, indicators: 2))
        #expect(b.totals.disputeShare == 0)
        #expect(report.totals.assertions == 6)
        for member in report.members {
            var byMonths = ContributionCounts(), byKinds = ContributionCounts()
            for row in member.months { byMonths += row.counts }
            for row in member.kinds { byKinds += row.counts }
            #expect(byMonths == member.totals)
            #expect(byKinds == member.totals)
            #expect(member.months.allSatisfy { report.months.contains($0.month ?? "") })
        }
        #expect(a.kinds.map(\.kind) == ["seller", "sku"])
        #expect(a.kinds[1].counts.indicatorsDisputed == 1)
    }

    @Test("JSON round trip, flat rows and the definition")
    func json() async throws {
        let (report, fixtures) = try await Self.report()
        defer { fixtures.forEach { $0.remove() } }
        let data = try APIDocument.makeEncoder().encode(report)
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        #expect(try decoder.decode(ContributionReport.self, from: data) == report)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect((object["dispute_share_definition"] as? String)?.contains("first asserted") == true)
        let members = try #require(object["members"] as? [[String: Any]])
        let row = try #require((members[0]["kinds"] as? [[String: Any]])?.last)
        #expect(row["kind"] as? String == "sku")
        #expect(row["assertions"] as? Int == 3)
        #expect(row["dispute_share"] as? Double == 1.0 / 3.0)
        #expect(row["month"] == nil)
        let seller = try #require((members[1]["totals"] as? [String: Any]))
        #expect(seller["dispute_share"] as? Double == 0)
    }

    @Test("CSV parses back: a header, then one row per member, kind and month")
    func csv() async throws {
        let (report, fixtures) = try await Self.report()
        defer { fixtures.forEach { $0.remove() } }
        let text = report.csv()
        #expect(text.hasSuffix("\r\n"))
        let lines = text.split(separator: "\r\n", omittingEmptySubsequences: false).dropLast()
        let rows = try lines.map { line in
            try CSVLine.fields(of: ArraySlice(Array(line.utf8))).map { String(decoding: $0, as: UTF8.self) }
        }
        #expect(rows.first == ContributionReport.csvColumns)
        #expect(rows.count == 1 + report.members.reduce(0) { $0 + $1.months.count })
        var assertions: [String: Int] = [:]
        for row in rows.dropFirst() {
            #expect(row.count == ContributionReport.csvColumns.count)
            assertions[row[0], default: 0] += Int(row[3]) ?? -1
            #expect(report.months.contains(row[2]))
        }
        #expect(assertions == ["brand-a": 4, "brand-b": 2])
        let skuRows = rows.filter { $0[0] == "brand-a" && $0[1] == "sku" }
        #expect(skuRows.map { Int($0[8]) ?? -1 }.reduce(0, +) == 1)
        #expect(rows.filter { $0[0] == "brand-b" }.allSatisfy { $0[9] == "0.0000" })
    }

    @Test("HTML is well-formed, has one SVG per chart, and escapes what it shows")
    func html() async throws {
        let (report, fixtures) = try await Self.report()
        defer { fixtures.forEach { $0.remove() } }
        let page = report.html()
        let parsed = try XHTMLOutline(page)
        // Overview: assertions by member and dispute share; then one per member with entries.
        #expect(parsed.count(of: "svg") == 2 + report.members.count)
        #expect(parsed.count(of: "script") == 0)
        #expect(parsed.count(of: "table") == 1 + report.members.count)
        #expect(page.contains("Dispute share: indicators disputed by other members"))
        #expect(page.contains("25.0 % (1 of 4)"))
        #expect(!page.contains("src=") && !page.contains("href="))

        var hostile = report
        hostile.node = "<script>alert('node')</script>"
        hostile.members[0].member = #"evil "member" & <b>co</b>"#
        hostile.members[0].months[0].kind = "<img src=x onerror=alert(1)>"
        let escaped = hostile.html()
        let outline = try XHTMLOutline(escaped)
        #expect(outline.count(of: "script") == 0)
        #expect(outline.count(of: "img") == 0)
        #expect(outline.count(of: "b") == 0)
        #expect(outline.text.contains(#"evil "member" & <b>co</b>"#))
        #expect(escaped.contains("&lt;script&gt;alert(&#39;node&#39;)&lt;/script&gt;"))
    }

    @Test("CSV quotes fields with commas and quotes")
    func csvQuoting() throws {
        let report = ContributionReport(
            node: "n",
            generatedAt: Timestamp(millisecondsSince1970: 0),
            since: nil,
            months: ["1970-01"],
            members: [
                .init(
                    member: #"a, "b""#,
                    totals: ContributionCounts(assertions: 1),
                    kinds: [],
                    months: [.init(kind: "sku", month: "1970-01", counts: ContributionCounts(assertions: 1))]
                )
            ]
        )
        let line = try #require(report.csv().split(separator: "\r\n").last)
        #expect(line.hasPrefix(#""a, ""b""",sku,1970-01,1,"#))
        let fields = try CSVLine.fields(of: ArraySlice(Array(line.utf8)))
        #expect(String(decoding: fields[0], as: UTF8.self) == #"a, "b""#)
        #expect(String(decoding: fields[9], as: UTF8.self) == "")
    }

    @Test("text: a summary line per member and the period")
    func text() async throws {
        let (report, fixtures) = try await Self.report()
        defer { fixtures.forEach { $0.remove() } }
        let text = report.text()
        #expect(text.contains("Period: every entry held"))
        #expect(text.contains(ContributionReport.disputeShareDefinition))
        let summary = try #require(text.split(separator: "\n").first { $0.hasPrefix("brand-a ") })
        #expect(summary.split(separator: " ") == ["brand-a", "4", "1", "0", "1", "4", "1", "25.0", "%"])
        #expect(text.contains("brand-b, by month and kind:"))
    }

    @Test("chart scales are round; counts group their thousands")
    func chartFigures() {
        #expect(ContributionChart.niceScale(0) == (1, 1))
        #expect(ContributionChart.niceScale(7) == (8, 2))
        #expect(ContributionChart.niceScale(120) == (150, 50))
        #expect(ContributionChart.niceScale(77_912) == (80_000, 20_000))
        #expect(ContributionChart.niceScale(3, minimum: 5) == (5, 1))
        #expect(ContributionChart.grouped(405_004) == "405,004")
        #expect(ContributionChart.grouped(1_000_000) == "1,000,000")
        #expect(ContributionChart.grouped(999) == "999")
    }

    @Test("months fill their gaps, unless they span more than ten years")
    func months() {
        #expect(ContributionReport.filled(["2026-11", "2027-02"]) == ["2026-11", "2026-12", "2027-01", "2027-02"])
        #expect(ContributionReport.filled(["1970-01", "2026-11"]) == ["1970-01", "2026-11"])
        #expect(ContributionReport.filled([]) == [])
    }

    @Test("--since: dates, times and durations back from now; bad input names the option")
    func since() throws {
        let now = try Timestamp(iso8601: "2026-11-29T12:00:00Z")
        #expect(
            try ExpiryParser.parseStart("2026-10-01", now: now, option: "--since")
                == Timestamp(iso8601: "2026-10-01T00:00:00Z")
        )
        #expect(
            try ExpiryParser.parseStart("30d", now: now, option: "--since")
                == Timestamp(iso8601: "2026-10-30T12:00:00Z")
        )
        #expect(
            try ExpiryParser.parseStart("2026-11-01T06:00:00Z", now: now, option: "--since")
                == Timestamp(iso8601: "2026-11-01T06:00:00Z")
        )
        for bad in ["yesterday", "2026-13-01", "2026-12-01", ""] {
            #expect {
                try ExpiryParser.parseStart(bad, now: now, option: "--since")
            } throws: { error in
                (error as? HallmarkError)?.message.hasPrefix("--since '\(bad)'") == true
            }
        }
    }
}

/// The elements of a page parsed as XML: proof it is well-formed, and what it holds.
struct XHTMLOutline {
    var elements: [String] = []
    var text = ""

    init(_ page: String) throws {
        let delegate = Collector()
        let parser = XMLParser(data: Data(page.utf8))
        parser.delegate = delegate
        guard parser.parse() else {
            throw HallmarkError(
                .malformed,
                "not well-formed: \(parser.parserError.map { "\($0)" } ?? "?") at line \(parser.lineNumber)"
            )
        }
        elements = delegate.elements
        text = delegate.text
    }

    func count(of name: String) -> Int { elements.filter { $0 == name }.count }

    private final class Collector: NSObject, XMLParserDelegate {
        var elements: [String] = []
        var text = ""

        func parser(
            _ parser: XMLParser,
            didStartElement elementName: String,
            namespaceURI: String?,
            qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            elements.append(elementName)
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }
    }
}
