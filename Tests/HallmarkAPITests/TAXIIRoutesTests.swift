import Foundation
import HallmarkAPI
import HallmarkCore
import HallmarkDocuments
import HallmarkMember
import HallmarkTestSupport
import NIOHTTP1
import Testing

/// The TAXII 2.1 routes answered in process: paging, filters, headers, media types and bad parameters.
@Suite("GET /taxii2/: the read-only TAXII 2.1 server")
struct TAXIIRoutesTests {
    static let taxii = "application/taxii+json;version=2.1"

    static func object(_ answer: RunningAPI.Answer) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: answer.body) as? [String: Any])
    }

    static func ids(_ answer: RunningAPI.Answer) throws -> [String] {
        (try object(answer)["objects"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
    }

    @Test("discovery, collections, pages by date added and id, added_after, match filters, one object, the manifest")
    func pagesAndFilters() async throws {
        try await RunningAPI.with { api in
            // Three SKUs stored at one time, a seller after them.
            try await api.node.submit(
                try ["T-1", "T-2", "T-3"].map { Submission(identifier: try Identifier(kind: .sku, value: $0)) }
            )
            try await Task.sleep(for: .milliseconds(5))
            try await api.node.submit([Submission(identifier: try Identifier(kind: .seller, value: "shopmart:taxii"))])

            let discovery = try await api.call(.GET, "/taxii2/", accept: Self.taxii)
            #expect(discovery.status == 200)
            #expect(discovery.header("Content-Type") == Self.taxii)
            #expect(try Self.object(discovery)["api_roots"] as? [String] == ["/taxii2/api/"])
            let root = try await api.call(.GET, "/taxii2/api/")
            #expect(try Self.object(root)["versions"] as? [String] == [Self.taxii])
            let listed = try Self.object(try await api.call(.GET, "/taxii2/api/collections/"))
            let collections = try #require(listed["collections"] as? [[String: Any]])
            #expect(collections.count == 5)
            let all = try #require(collections.first { $0["title"] as? String == "indicators" }?["id"] as? String)
            let skus = try #require(collections.first { $0["title"] as? String == "sku indicators" }?["id"] as? String)
            let objects = "/taxii2/api/collections/\(all)/objects/"

            // Two at a time: the three SKUs share a timestamp, and still each comes once.
            let first = try await api.call(.GET, objects + "?limit=2")
            #expect(first.status == 200)
            let page = try Self.object(first)
            #expect(page["more"] as? Bool == true)
            let next = try #require(page["next"] as? String)
            let rest = try await api.call(.GET, objects + "?limit=2&next=\(RunningAPI.segment(next))")
            #expect(try Self.object(rest)["more"] as? Bool == false)
            let paged = try Self.ids(first) + Self.ids(rest)
            #expect(paged.count == 4 && Set(paged).count == 4)
            #expect(first.header("X-TAXII-Date-Added-First") == first.header("X-TAXII-Date-Added-Last"))

            // added_after the SKUs' time: the seller alone.
            let skuTime = try #require(first.header("X-TAXII-Date-Added-Last"))
            let after = try await api.call(.GET, objects + "?added_after=\(skuTime)")
            #expect(try Self.ids(after) == [paged[3]])
            #expect(try Self.ids(try await api.call(.GET, objects + "?match%5Btype%5D=opinion")).isEmpty)
            #expect(try Self.ids(try await api.call(.GET, objects + "?match[type]=indicator,opinion")).count == 4)
            #expect(try Self.ids(try await api.call(.GET, "/taxii2/api/collections/\(skus)/objects/")).count == 3)

            let one = try await api.call(.GET, objects + "\(paged[0])/")
            #expect(try Self.ids(one) == [paged[0]])
            let missing = try await api.call(.GET, objects + "indicator--00000000-0000-4000-8000-000000000000/")
            #expect(missing.status == 404)

            let manifest = try Self.object(try await api.call(.GET, "/taxii2/api/collections/\(all)/manifest/"))
            let records = try #require(manifest["objects"] as? [[String: Any]])
            #expect(records.compactMap { $0["id"] as? String } == paged)
            #expect(records.allSatisfy { $0["version"] is String && $0["media_type"] as? String != nil })
            let versions = try Self.object(try await api.call(.GET, objects + "\(paged[0])/versions/"))
            #expect(versions["versions"] as? [String] == [try #require(records.first?["version"] as? String)])
            #expect(versions["more"] as? Bool == false)
            let noVersions = try await api.call(
                .GET,
                objects + "indicator--00000000-0000-4000-8000-000000000000/versions/"
            )
            #expect(noVersions.status == 404)
        }
    }

    @Test("bad parameters, an unknown collection and an Accept it cannot answer are refused, naming what")
    func refusals() async throws {
        try await RunningAPI.with { api in
            let collections = try Self.object(try await api.call(.GET, "/taxii2/api/collections/"))
            let id = try #require((collections["collections"] as? [[String: Any]])?.first?["id"] as? String)
            let objects = "/taxii2/api/collections/\(id)/objects/"
            for (query, field) in [
                ("limit=0", "limit"), ("limit=many", "limit"), ("next=not-a-cursor", "next"),
                ("added_after=yesterday", "added_after"),
            ] {
                let refused = try await api.call(.GET, objects + "?" + query)
                #expect(refused.status == 400, "\(query)")
                #expect(try refused.problem().field == field, "\(query)")
            }
            let unknown = try await api.call(.GET, "/taxii2/api/collections/no-such-collection/objects/")
            #expect(unknown.status == 404)
            #expect(try await api.call(.GET, "/taxii2/", accept: "application/json").status == 406)
            #expect(try await api.call(.GET, "/taxii2/", accept: "application/taxii+json").status == 200)
            #expect(try await api.call(.GET, "/taxii2/", accept: "application/taxii+json;version=2.0").status == 406)
        }
    }
}
