import Foundation
import HallmarkAPI
import HallmarkCore
import HallmarkMember
import HallmarkStore
import NIOHTTP1
import Testing

@Suite("GET /v1/audit/{kind}/{value}")
struct AuditRoutesTests {
    @Test("the trail of an identifier is what `hallmark audit --json` shows, proofs verified")
    func audit() async throws {
        try await RunningAPI.with { api in
            let url = try Identifier(kind: .url, value: "https://market.example/listing/7")
            try await api.node.submit([Submission(identifier: url, confidence: 60)])
            try await api.node.retract([url])
            let answer = try await api.call(
                .GET,
                "/v1/audit/url/" + RunningAPI.segment("https://market.example/listing/7")
            )
            #expect(answer.status == 200)
            let report = try answer.decode(ReportDocument.AuditBody.self)
            #expect(report == ReportDocument.AuditBody(try await api.node.audit(url)))
            #expect(report.verified)
            #expect(report.entries.map(\.action) == ["assert", "retract"])

            let bad = try await api.call(.GET, "/v1/audit/url/" + RunningAPI.segment("not a url"))
            #expect(bad.status == 400)
            #expect(try bad.problem().field == "value")
        }
    }
}
