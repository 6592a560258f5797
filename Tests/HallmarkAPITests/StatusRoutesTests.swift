import Foundation
import HallmarkAPI
import HallmarkCore
import HallmarkMember
import HallmarkStore
import NIOHTTP1
import Testing

@Suite("GET /v1/status, /v1/peers, /healthz, /readyz; unknown routes and methods")
struct StatusRoutesTests {
    @Test("status, peers, health and readiness")
    func status() async throws {
        let peer = APIServer.Peer(member: try MemberID("brand-b"), address: "127.0.0.1:7401")
        try await RunningAPI.with(peers: [peer]) { api in
            try await api.node.submit([Submission(identifier: try Identifier(kind: .sku, value: "S-1"))])
            try await api.node.store.recordPeerRejection(
                peer: try MemberID("brand-b"),
                origin: "market-c",
                reason: "bad signature"
            )
            let status = try await api.call(.GET, "/v1/status")
            #expect(status.status == 200)
            let served = try #require(try JSONSerialization.jsonObject(with: status.body) as? NSDictionary)
            let cli = try ReportDocument.makeEncoder().encode(ReportDocument.StatusBody(try await api.node.status()))
            #expect(served == (try JSONSerialization.jsonObject(with: cli) as? NSDictionary))
            // The decoder inverts the encoder, `alliance_key_id` included.
            let decoded = try ReportDocument.makeDecoder().decode(ReportDocument.StatusBody.self, from: status.body)
            #expect(decoded == ReportDocument.StatusBody(try await api.node.status()))
            #expect(served["member"] as? String == "brand-a")
            #expect((served["listed"] as? NSDictionary)?["sku"] as? Int == 1)

            let peers = try await api.call(.GET, "/v1/peers").decode(APIDocument.Peers.self)
            #expect(peers.peers.map(\.member) == ["brand-b"])
            #expect(peers.peers.first?.address == "127.0.0.1:7401")
            #expect(peers.peers.first?.rejections.map(\.origin) == ["market-c"])
            #expect(peers.otherRejections.isEmpty)

            #expect(try await api.call(.GET, "/healthz").decode(APIDocument.Health.self).status == "ok")
            #expect(try await api.call(.GET, "/readyz").decode(APIDocument.Health.self).status == "ready")
        }
    }

    @Test("an unknown route is 404 and a wrong method 405 with Allow, both as problems")
    func unrouted() async throws {
        try await RunningAPI.with { api in
            let missing = try await api.call(.GET, "/v1/nothing")
            #expect(missing.status == 404)
            let problem = try missing.problem()
            #expect(problem.code == "not-found")
            #expect(problem.instance == "/v1/nothing")

            let wrong = try await api.call(.GET, "/v1/indicators")
            #expect(wrong.status == 405)
            #expect(wrong.header("allow") == "POST")
            #expect(try wrong.problem().code == "method-not-allowed")

            let wrongOnPath = try await api.call(.DELETE, "/v1/check/sku/A")
            #expect(wrongOnPath.status == 405)
            #expect(wrongOnPath.header("allow") == "GET")
        }
    }
}
