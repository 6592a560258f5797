import Foundation
import HallmarkAPI
import HallmarkCore
import HallmarkDocuments
import HallmarkEvidence
import HallmarkMember
import HallmarkRecords
import HallmarkStore
import NIOHTTP1
import Testing

@Suite("GET /v1/audit/{kind}/{value} and /v1/evidence/{kind}/{value}")
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
            let report = try answer.decode(APIDocument.AuditBody.self)
            #expect(report == APIDocument.AuditBody(try await api.node.audit(url)))
            #expect(report.verified)
            #expect(report.entries.map(\.action) == ["assert", "retract"])

            let bad = try await api.call(.GET, "/v1/audit/url/" + RunningAPI.segment("not a url"))
            #expect(bad.status == 400)
            #expect(try bad.problem().field == "value")
        }
    }

    @Test(
        "the evidence bundle of an identifier is signed, verifies, and names only the digest; none for what is not held"
    )
    func evidence() async throws {
        try await RunningAPI.with { api in
            let seller = try Identifier(kind: .seller, value: "counterfeit-shop-42")
            try await api.node.submit([Submission(identifier: seller, confidence: 90, reason: "counterfeit.confirmed")])
            try await api.node.retract([seller])
            let answer = try await api.call(.GET, "/v1/evidence/seller/counterfeit-shop-42")
            #expect(answer.status == 200)
            #expect(answer.header("content-type") == "application/json")
            let bundle = try EvidenceBundle(json: answer.body)
            #expect(bundle.subject.digest == api.node.digest(of: seller).hex)
            #expect(bundle.entries.map(\.index) == [0, 1])
            #expect(!String(decoding: answer.body, as: UTF8.self).contains("counterfeit-shop-42"))
            let verdict = await EvidenceVerifier(trust: api.node.identity.trust).verify(bundle)
            #expect(verdict.isValid, "\(verdict)")

            let absent = try await api.call(.GET, "/v1/evidence/seller/never-listed")
            #expect(absent.status == 404)
            #expect(try absent.problem().code == "not-found")
            #expect(try absent.problem().detail.contains("nothing to prove"))
            let badKind = try await api.call(.GET, "/v1/evidence/colour/red")
            #expect(badKind.status == 400)
            #expect(try badKind.problem().field == "kind")
        }
    }

    @Test(
        "an origin's audit is what `hallmark audit origin --json` shows; 404 for an origin not held, 400 for a bad id"
    )
    func origin() async throws {
        try await RunningAPI.with { api in
            try await api.node.submit([Submission(identifier: try Identifier(kind: .sku, value: "ORIGIN-1"))])
            let answer = try await api.call(.GET, "/v1/origins/brand-a")
            #expect(answer.status == 200)
            let audit = try answer.decode(OriginAudit.self)
            #expect(audit == OriginAudit(try await api.node.auditOrigin(api.node.identity.member)))
            #expect(audit.logSize == 1)
            #expect(audit.equivocations.isEmpty)

            let absent = try await api.call(.GET, "/v1/origins/market-z")
            #expect(absent.status == 404)
            #expect(try absent.problem().code == "not-found")
            let bad = try await api.call(.GET, "/v1/origins/Not%20An%20Id")
            #expect(bad.status == 400)
            #expect(try bad.problem().field == "member")
        }
    }
}
