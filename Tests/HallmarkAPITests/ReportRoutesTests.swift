import Foundation
import HallmarkAPI
import HallmarkCore
import HallmarkDocuments
import HallmarkMember
import HallmarkRecords
import HallmarkStore
import NIOHTTP1
import Testing

@Suite("GET /v1/report")
struct ReportRoutesTests {
    @Test("the contribution report as JSON (the member's own document), CSV and HTML; bad since and format are 400")
    func report() async throws {
        try await RunningAPI.with { api in
            try await api.node.submit(
                try (0..<3).map { Submission(identifier: try Identifier(kind: .sku, value: "REPORT-\($0)")) }
            )
            try await api.node.retract([try Identifier(kind: .sku, value: "REPORT-0")])

            let answer = try await api.call(.GET, "/v1/report")
            #expect(answer.status == 200)
            let report = try answer.decode(ContributionReport.self)
            #expect(report == (try await api.node.contributionReport(now: report.generatedAt)))
            let own = try #require(report.members.first { $0.member == "brand-a" })
            #expect(own.totals.assertions == 3)
            #expect(own.totals.retractions == 1)

            let csv = try await api.call(.GET, "/v1/report?format=csv&since=30d")
            #expect(csv.status == 200)
            #expect(csv.header("content-type")?.hasPrefix("text/csv") == true)
            #expect(String(decoding: csv.body, as: UTF8.self).contains("brand-a"))
            let html = try await api.call(.GET, "/v1/report?format=html")
            #expect(html.header("content-type") == "text/html; charset=utf-8")
            #expect(String(decoding: html.body, as: UTF8.self).contains("<svg"))

            let badSince = try await api.call(.GET, "/v1/report?since=last%20tuesday")
            #expect(badSince.status == 400)
            #expect(try badSince.problem().field == "since")
            let future = try await api.call(.GET, "/v1/report?since=2999-01-01")
            #expect(try future.problem().detail.contains("in the future"))
            let badFormat = try await api.call(.GET, "/v1/report?format=pdf")
            #expect(badFormat.status == 400)
            #expect(try badFormat.problem().field == "format")
        }
    }
}
