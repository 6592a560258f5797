import Foundation
import HallmarkAPI
import HallmarkCore
import HallmarkDocuments
import HallmarkMember
import HallmarkRecords
import HallmarkStore
import Logging
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
            let cli = try APIDocument.makeEncoder().encode(APIDocument.StatusBody(try await api.node.status()))
            #expect(served == (try JSONSerialization.jsonObject(with: cli) as? NSDictionary))
            // The decoder inverts the encoder, `alliance_key_id` included.
            let decoded = try APIDocument.makeDecoder().decode(APIDocument.StatusBody.self, from: status.body)
            #expect(decoded == APIDocument.StatusBody(try await api.node.status()))
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

    @Test(
        "a node started without a usable filter snapshot answers checks right but is not ready until the filter is built"
    )
    func readinessWhileTheFilterBuilds() async throws {
        let listed = try Identifier(kind: .seller, value: "listed-seller")
        let reopened: (Member, URL) async throws -> Member = { node, folder in
            try await node.submit([Submission(identifier: listed)])
            try await node.close()
            try FileManager.default.removeItem(at: folder.appendingPathComponent(HallmarkStore.filterSnapshotFileName))
            return try await Member.open(
                dataDirectory: folder,
                logger: Logger(label: "test"),
                deferringFilterBuild: true
            )
        }
        try await RunningAPI.with(prepare: reopened) { api in
            #expect(!api.node.store.isFilterLoaded)
            #expect(!api.node.store.isListedTableLoaded)
            let notReady = try await api.call(.GET, "/readyz")
            #expect(notReady.status == 503)
            #expect(try notReady.problem().detail.contains("filter is being built"))
            #expect(try await api.call(.GET, "/healthz").status == 200)
            // Answered from the index meanwhile: right, and no false positive counted for the absent one.
            let answer = try await api.call(
                .POST,
                "/v1/check",
                json:
                    #"{"identifiers": [{"kind": "seller", "value": "listed-seller"}, {"kind": "seller", "value": "absent"}]}"#
            )
            #expect(try answer.decode(APIDocument.Verdicts.self).verdicts.map(\.status) == ["listed", "not_listed"])
            #expect(
                try await api.node.check(try Identifier(kind: .seller, value: "absent")).filterFalsePositive == false
            )

            await FilterMaintenance(store: api.node.store, logger: Logger(label: "test")).buildIfUnloaded()
            #expect(api.node.store.isFilterLoaded)
            #expect(api.node.store.isListedTableLoaded)
            #expect(try await api.call(.GET, "/readyz").decode(APIDocument.Health.self).status == "ready")
            #expect(try await api.node.check(listed).isListed)
            let snapshot = api.folder.appendingPathComponent(HallmarkStore.filterSnapshotFileName)
            #expect(FileManager.default.fileExists(atPath: snapshot.path), "the built filter's snapshot is written")
        }
    }

    @Test("a node whose filter loads from its snapshot is not ready until the listed table is built, and answers right")
    func readinessWhileTheListedTableBuilds() async throws {
        let listed = try Identifier(kind: .seller, value: "listed-seller")
        let reopened: (Member, URL) async throws -> Member = { node, folder in
            try await node.submit([Submission(identifier: listed)])
            try await node.close()
            return try await Member.open(
                dataDirectory: folder,
                logger: Logger(label: "test"),
                deferringFilterBuild: true
            )
        }
        try await RunningAPI.with(prepare: reopened) { api in
            #expect(api.node.store.isFilterLoaded)
            #expect(!api.node.store.isListedTableLoaded)
            let notReady = try await api.call(.GET, "/readyz")
            #expect(notReady.status == 503)
            #expect(try notReady.problem().detail.contains("listed table is being built"))
            #expect(try await api.node.check(listed).isListed)
            await FilterMaintenance(store: api.node.store, logger: Logger(label: "test")).buildIfUnloaded()
            #expect(try await api.call(.GET, "/readyz").decode(APIDocument.Health.self).status == "ready")
            #expect(
                try await api.node.check(listed).origins.map(\.origin.rawValue) == [api.node.identity.member.rawValue]
            )
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
