import Foundation
import HallmarkAPI
import HallmarkCore
import HallmarkDocuments
import HallmarkMember
import HallmarkRecords
import HallmarkStore
import HallmarkTestSupport
import NIOHTTP1
import Testing

@Suite("POST /v1/indicators, /v1/retractions and /v1/disputes")
struct SubmissionRoutesTests {
    @Test("indicators are asserted under one checkpoint; a repeat is unchanged; retraction delists")
    func submitAndRetract() async throws {
        try await RunningAPI.with { api in
            let body = #"""
                {"indicators": [
                  {"kind": "seller", "value": "ShopMart:Luxe 88", "confidence": 95, "reason": "counterfeit",
                   "expires": "30d", "note": "fake bags"},
                  {"kind": "sku", "value": "BAG-1"}
                ]}
                """#
            let first = try await api.call(.POST, "/v1/indicators", json: body)
            #expect(first.status == 200)
            #expect(try first.decode(APIDocument.Outcome.self).appended == 2)
            #expect(try first.decode(APIDocument.Outcome.self).logSize == 2)
            let again = try await api.call(.POST, "/v1/indicators", json: body)
            #expect(try again.decode(APIDocument.Outcome.self).unchanged == 2)

            let seller = try Identifier(kind: .seller, value: "shopmart:luxe 88")
            let verdict = try await api.node.check(seller)
            #expect(verdict.origins.first?.confidence == 95)
            #expect(verdict.origins.first?.note == "fake bags")
            #expect(verdict.origins.first?.expires != nil)

            let retract = try await api.call(
                .POST,
                "/v1/retractions",
                json: #"{"identifiers": [{"kind": "seller", "value": "ShopMart:Luxe 88"}], "note": "resolved"}"#
            )
            #expect(retract.status == 200)
            #expect(try await !api.node.check(seller).isListed)

            let twice = try await api.call(
                .POST,
                "/v1/retractions",
                json: #"{"identifiers": [{"kind": "seller", "value": "ShopMart:Luxe 88"}]}"#
            )
            #expect(twice.status == 422)
            #expect(try twice.problem().code == "not-permitted")

            let byDigest = try await api.call(
                .POST,
                "/v1/retractions",
                json:
                    #"{"identifiers": [{"kind": "sku", "digest": "\#(api.node.digest(of: Identifier(kind: .sku, value: "BAG-1")).hex)"}]}"#
            )
            #expect(byDigest.status == 400)
            #expect(try byDigest.problem().field == "identifiers[0]")
        }
    }

    @Test("a digest is asserted as given, with no raw value stored; both or neither of value and digest are refused")
    func submitByDigest() async throws {
        try await RunningAPI.with { api in
            let sku = try Identifier(kind: .sku, value: "DIGEST-ONLY-1")
            let digest = api.node.digest(of: sku).hex
            let body =
                #"{"indicators": [{"kind": "sku", "digest": "\#(digest)", "confidence": 61, "note": "a pipeline's"}]}"#
            let submitted = try await api.call(.POST, "/v1/indicators", json: body)
            #expect(submitted.status == 200)
            #expect(try submitted.decode(APIDocument.Outcome.self).appended == 1)
            let verdict = try await api.node.check(sku)
            #expect(verdict.isListed && verdict.origins.first?.confidence == 61)
            // The raw value never reached the node, so it cannot show one.
            #expect(try await api.node.audit(sku).localValue == nil)
            #expect(
                try await api.call(.POST, "/v1/indicators", json: body).decode(APIDocument.Outcome.self).unchanged == 1
            )

            for (indicator, field) in [
                (#"{"kind": "sku", "value": "A-1", "digest": "\#(digest)"}"#, "indicators[0]"),
                (#"{"kind": "sku"}"#, "indicators[0]"),
                (#"{"kind": "sku", "digest": "12ab"}"#, "indicators[0].digest"),
            ] {
                let refused = try await api.call(.POST, "/v1/indicators", json: #"{"indicators": [\#(indicator)]}"#)
                #expect(refused.status == 400, "\(indicator)")
                #expect(try refused.problem().field == field, "\(indicator)")
            }
            #expect(try await api.node.status().ownLogSize == 1)
        }
    }

    @Test("a bad indicator refuses the whole request, naming its field, and nothing is appended")
    func badIndicators() async throws {
        try await RunningAPI.with { api in
            let confidence = try await api.badRequest(
                "/v1/indicators",
                #"{"indicators": [{"kind": "sku", "value": "A"}, {"kind": "sku", "value": "B", "confidence": 150}]}"#
            )
            #expect(confidence.field == "indicators[1].confidence")
            let fraction = try await api.badRequest(
                "/v1/indicators",
                #"{"indicators": [{"kind": "sku", "value": "A", "confidence": 9.5}]}"#
            )
            #expect(fraction.field == "indicators[0].confidence")
            let expires = try await api.badRequest(
                "/v1/indicators",
                #"{"indicators": [{"kind": "sku", "value": "A", "expires": "soon"}]}"#
            )
            #expect(expires.field == "indicators[0].expires")
            let reason = try await api.badRequest(
                "/v1/indicators",
                #"{"indicators": [{"kind": "sku", "value": "A", "reason": "Not A Code!"}]}"#
            )
            #expect(reason.field == "indicators[0].reason")
            let note = try await api.badRequest(
                "/v1/indicators",
                #"{"indicators": [{"kind": "sku", "value": "A", "note": "\#(String(repeating: "n", count: 281))"}]}"#
            )
            #expect(note.field == "indicators[0].note")
            let kind = try await api.badRequest("/v1/indicators", #"{"indicators": [{"kind": "isbn", "value": "A"}]}"#)
            #expect(kind.field == "indicators[0].kind")
            #expect(kind.code == "unknown-kind")
            let value = try await api.badRequest(
                "/v1/indicators",
                #"{"indicators": [{"kind": "sku", "value": "   "}]}"#
            )
            #expect(value.field == "indicators[0].value")
            let missing = try await api.badRequest("/v1/indicators", #"{"indicators": [{"kind": "sku"}]}"#)
            // Neither a value nor a digest: the indicator is what is wrong.
            #expect(missing.field == "indicators[0]")

            let many = Array(repeating: #"{"kind": "sku", "value": "A"}"#, count: APILimits.maximumBatch + 1)
            let tooMany = try await api.call(
                .POST,
                "/v1/indicators",
                json: #"{"indicators": [\#(many.joined(separator: ","))]}"#
            )
            #expect(tooMany.status == 413)
            #expect(try await api.node.status().ownLogSize == 0)
        }
    }

    @Test("a dispute of another member's assertion shows in its verdict; disputing one's own is refused")
    func dispute() async throws {
        let otherFolder = DevelopmentAlliance.temporaryFolder("hallmark-api-other")
        defer { try? FileManager.default.removeItem(at: otherFolder) }
        let other = try await DevelopmentAlliance.makeNode("brand-b", in: otherFolder)
        let seller = try Identifier(kind: .seller, value: "shopmart:reseller 5")
        try await other.submit([Submission(identifier: seller)])
        try await RunningAPI.with { api in
            try await DevelopmentAlliance.relay(logOf: other.identity.member, from: other, to: api.node)
            let answer = try await api.call(
                .POST,
                "/v1/disputes",
                json: #"""
                    {"kind": "seller", "value": "ShopMart:Reseller 5", "origin": "brand-b",
                     "reason": "authorized-reseller", "note": "our partner"}
                    """#
            )
            #expect(answer.status == 200)
            #expect(try answer.decode(APIDocument.Outcome.self).appended == 1)
            let verdict = try await api.call(.GET, "/v1/check/seller/" + RunningAPI.segment("ShopMart:Reseller 5"))
            let origin = try #require(try verdict.decode(APIDocument.VerdictBody.self).origins.first)
            #expect(origin.member == "brand-b")
            #expect(origin.disputes.map(\.reason) == ["authorized-reseller"])

            let own = try await api.call(
                .POST,
                "/v1/disputes",
                json: #"{"kind": "seller", "value": "x", "origin": "brand-a", "reason": "mistake"}"#
            )
            #expect(own.status == 422)
            let absent = try await api.call(
                .POST,
                "/v1/disputes",
                json: #"{"kind": "seller", "value": "nobody", "origin": "brand-b", "reason": "mistake"}"#
            )
            #expect(absent.status == 422)
            #expect(try absent.problem().code == "not-found")
            let badOrigin = try await api.call(
                .POST,
                "/v1/disputes",
                json: #"{"kind": "seller", "value": "x", "origin": "Not A Member!", "reason": "mistake"}"#
            )
            #expect(badOrigin.status == 400)
            #expect(try badOrigin.problem().field == "origin")
        }
    }
}
