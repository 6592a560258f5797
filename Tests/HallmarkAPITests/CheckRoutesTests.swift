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

@Suite("POST /v1/check and GET /v1/check/{kind}/{value}")
struct CheckRoutesTests {
    @Test("a batch gets one verdict per identifier, in order, raw values and digests mixed")
    func batch() async throws {
        try await RunningAPI.with { api in
            let listed = try Identifier(kind: .seller, value: "ShopMart:Fake Bags")
            try await api.node.submit([Submission(identifier: listed, confidence: 77)])
            let digest = api.node.digest(of: listed).hex
            let answer = try await api.call(
                .POST,
                "/v1/check",
                json: """
                    {"identifiers": [
                      {"kind": "sku", "value": "clean-1"},
                      {"kind": "seller", "value": "shopmart:fake bags"},
                      {"kind": "seller", "digest": "\(digest)"}
                    ]}
                    """
            )
            #expect(answer.status == 200)
            let verdicts = try answer.decode(APIDocument.Verdicts.self).verdicts
            #expect(verdicts.map(\.status) == ["not_listed", "listed", "listed"])
            #expect(verdicts[1].value == "shopmart:fake bags")
            #expect(verdicts[1].origins.first?.member == "brand-a")
            #expect(verdicts[1].origins.first?.confidence == 77)
            #expect(verdicts[2].value == nil)
            #expect(verdicts[2].digest == digest)
        }
    }

    @Test("binary digests: one status byte per record, in order, as the JSON batch judges the same digests")
    func binaryDigests() async throws {
        try await RunningAPI.with { api in
            let listed = try Identifier(kind: .seller, value: "shopmart:fake bags")
            let allowed = try Identifier(kind: .sku, value: "authorized-1")
            let image = Hash256(w0: 0x0123_4567_89ab_cdef, w1: 1, w2: 2, w3: 3)
            try await api.node.submit([
                Submission(identifier: listed), Submission(identifier: allowed),
                Submission(identifier: try Identifier(kind: .imagePDQ, value: image.hex)),
            ])
            try await api.node.allow([AllowlistItem(identifier: allowed)])
            let near = Hash256(w0: image.w0 ^ 0b111, w1: 1, w2: 2, w3: 3)
            let records: [(UInt8, Hash256)] = [
                (1, api.node.digest(of: listed)),
                (1, api.node.digest(of: try Identifier(kind: .seller, value: "clean"))),
                (2, api.node.digest(of: allowed)),
                (2, api.node.digest(of: listed)),
                (4, near),
            ]
            let body = Data(records.flatMap { [$0.0] + $0.1.bytes })
            let url = "http://127.0.0.1:\(api.port)/v1/check/digests"
            let answer = try await RunningAPI.call(.POST, url: url, body: body, contentType: "application/octet-stream")
            #expect(answer.status == 200)
            #expect(
                answer.headers.contains { $0.0.lowercased() == "content-type" && $0.1 == "application/octet-stream" }
            )
            #expect([UInt8](answer.body) == [1, 0, 2, 0, 1])
            // The same as the JSON batch says about the same digests.
            let json = try await api.call(
                .POST,
                "/v1/check",
                json: #"{"identifiers": ["#
                    + records.map {
                        #"{"kind": "\#(["", "seller", "sku", "url", "image-pdq"][Int($0.0)])", "digest": "\#($0.1.hex)"}"#
                    }
                    .joined(separator: ", ") + "]}"
            )
            #expect(
                try json.decode(APIDocument.Verdicts.self).verdicts.map(\.status)
                    == ["listed", "not_listed", "allowlisted", "not_listed", "listed"]
            )
            let far = try await RunningAPI.call(
                .POST,
                url: url + "?max_distance=2",
                body: Data([4] + near.bytes),
                contentType: "application/octet-stream"
            )
            #expect([UInt8](far.body) == [0])
            let empty = try await RunningAPI.call(
                .POST,
                url: url,
                body: Data(),
                contentType: "application/octet-stream"
            )
            #expect(empty.status == 200 && empty.body.isEmpty)
        }
    }

    @Test("binary digests: bad input is a problem naming what is wrong, and the node keeps answering")
    func binaryDigestsBadInput() async throws {
        try await RunningAPI.with { api in
            let url = "http://127.0.0.1:\(api.port)/v1/check/digests"
            let send = { (body: Data, type: String?) in
                try await RunningAPI.call(.POST, url: url, body: body, contentType: type)
            }
            let ragged = try await send(Data(repeating: 1, count: 34), "application/octet-stream")
            #expect(ragged.status == 400)
            #expect(try ragged.problem().detail.contains("34 bytes, not a whole number of 33-byte records"))
            let unknown = try await send(
                Data([1] + [UInt8](repeating: 0, count: 32) + [9] + [UInt8](repeating: 0, count: 32)),
                "application/octet-stream"
            )
            #expect(unknown.status == 400)
            #expect(try unknown.problem().detail.contains("record 1: kind code 9"))
            #expect(try unknown.problem().field == "records[1]")
            let json = try await send(Data([1] + [UInt8](repeating: 0, count: 32)), "application/json")
            #expect(json.status == 415)
            let many = try await send(
                Data(repeating: 1, count: 33 * (APILimits.maximumBatch + 1)),
                "application/octet-stream"
            )
            #expect(many.status == 413)
            let distance = try await RunningAPI.call(
                .POST,
                url: url + "?max_distance=x",
                body: Data([1] + [UInt8](repeating: 0, count: 32)),
                contentType: "application/octet-stream"
            )
            #expect(distance.status == 400)
            let fine = try await send(Data([1] + [UInt8](repeating: 0, count: 32)), "application/octet-stream")
            #expect(fine.status == 200 && [UInt8](fine.body) == [0])
        }
    }

    @Test("one identifier by path, a URL's slashes percent-encoded")
    func single() async throws {
        try await RunningAPI.with { api in
            let url = try Identifier(kind: .url, value: "https://market.example/item/42?ref=x")
            try await api.node.submit([Submission(identifier: url)])
            let path = "/v1/check/url/" + RunningAPI.segment("https://MARKET.example/item/42?ref=x")
            let answer = try await api.call(.GET, path)
            #expect(answer.status == 200)
            let verdict = try answer.decode(APIDocument.VerdictBody.self)
            #expect(verdict.status == "listed")
            #expect(verdict.value == url.normalized)

            let absent = try await api.call(.GET, "/v1/check/sku/" + RunningAPI.segment("NOT THERE"))
            #expect(try absent.decode(APIDocument.VerdictBody.self).status == "not_listed")
        }
    }

    @Test("bad input: malformed JSON, wrong types, unknown fields and kinds, both value and digest, bad values")
    func badInput() async throws {
        try await RunningAPI.with { api in
            let malformed = try await api.badRequest("/v1/check", #"{"identifiers": [{"kind": "sku", "#)
            #expect(malformed.code == "malformed")
            #expect(malformed.field == nil)

            let wrongType = try await api.badRequest(
                "/v1/check",
                #"{"identifiers": [{"kind": "sku", "value": "a"}, {"kind": 5, "value": "b"}]}"#
            )
            #expect(wrongType.field == "identifiers[1].kind")
            #expect(wrongType.detail.contains("expected a string"))

            let notArray = try await api.badRequest("/v1/check", #"{"identifiers": "sku a"}"#)
            #expect(notArray.field == "identifiers")

            let missing = try await api.badRequest("/v1/check", #"{"identifers": []}"#)
            #expect(missing.field == "identifers")

            let unknownField = try await api.badRequest(
                "/v1/check",
                #"{"identifiers": [{"kind": "sku", "valu": "a"}]}"#
            )
            #expect(unknownField.field == "identifiers[0].valu")

            let unknownKind = try await api.badRequest(
                "/v1/check",
                #"{"identifiers": [{"kind": "sku", "value": "a"}, {"kind": "phone", "value": "1"}]}"#
            )
            #expect(unknownKind.code == "unknown-kind")
            #expect(unknownKind.field == "identifiers[1].kind")
            #expect(unknownKind.detail.contains("seller, sku, url, image-pdq"))

            let both = try await api.badRequest(
                "/v1/check",
                #"{"identifiers": [{"kind": "sku", "value": "a", "digest": "00"}]}"#
            )
            #expect(both.field == "identifiers[0]")

            let badDigest = try await api.badRequest(
                "/v1/check",
                #"{"identifiers": [{"kind": "sku", "digest": "xyz"}]}"#
            )
            #expect(badDigest.field == "identifiers[0].digest")

            // The same rule, and the same words, as the command line.
            let cliError = try #require(throws: HallmarkError.self) { try Identifier(kind: .imagePDQ, value: "zz") }
            #expect(cliError.code == .invalidValue)
            let badValue = try await api.badRequest(
                "/v1/check",
                #"{"identifiers": [{"kind": "image-pdq", "value": "zz"}]}"#
            )
            #expect(badValue.code == "invalid-value")
            #expect(badValue.field == "identifiers[0].value")
            #expect(badValue.detail == cliError.message)

            let pathKind = try await api.call(.GET, "/v1/check/phone/123")
            #expect(pathKind.status == 400)
            #expect(try pathKind.problem().field == "kind")
        }
    }

    @Test("bounds: a batch over 10 000, a body over 8 MiB, a body that is not JSON")
    func bounds() async throws {
        try await RunningAPI.with { api in
            let item = #"{"kind": "sku", "value": "a"}"#
            let items = Array(repeating: item, count: APILimits.maximumBatch + 1).joined(separator: ",")
            let tooMany = try await api.call(.POST, "/v1/check", json: #"{"identifiers": [\#(items)]}"#)
            #expect(tooMany.status == 413)
            #expect(try tooMany.problem().field == "identifiers")

            let fine = Array(repeating: item, count: APILimits.maximumBatch).joined(separator: ",")
            let most = try await api.call(.POST, "/v1/check", json: #"{"identifiers": [\#(fine)]}"#)
            #expect(most.status == 200)
            #expect(try most.decode(APIDocument.Verdicts.self).verdicts.count == APILimits.maximumBatch)

            let huge =
                #"{"identifiers": [], "pad": ""# + String(repeating: "x", count: APILimits.maximumBodyBytes) + #""}"#
            let tooBig = try await api.call(.POST, "/v1/check", json: huge)
            #expect(tooBig.status == 413)
            #expect(try tooBig.problem().code == "too-large")

            let text = try await api.call(.POST, "/v1/check", json: #"{"identifiers": []}"#, contentType: "text/plain")
            #expect(text.status == 415)
        }
    }
}

@Suite("image-pdq checks with max_distance, and POST /v1/hash-image")
struct ImageRoutesTests {
    static let listed = "f0e1d2c3b4a5968778695a4b3c2d1e0ff0e1d2c3b4a5968778695a4b3c2d1e0f"
    /// `listed` with its first nibble changed: 4 bits apart.
    static let near = "00e1d2c3b4a5968778695a4b3c2d1e0ff0e1d2c3b4a5968778695a4b3c2d1e0f"

    @Test("a near hash is listed with its matches; max_distance narrows the search; bad distances are refused")
    func nearMatches() async throws {
        try await RunningAPI.with { api in
            try await api.node.submit([Submission(identifier: try Identifier(kind: .imagePDQ, value: Self.listed))])
            let single = try await api.call(.GET, "/v1/check/image-pdq/\(Self.near)")
            #expect(single.status == 200)
            let verdict = try single.decode(APIDocument.VerdictBody.self)
            #expect(verdict.status == "listed")
            #expect(verdict.matches?.map(\.digest) == [Self.listed])
            #expect(verdict.matches?.map(\.distance) == [4])
            #expect(verdict.matches?.first?.origins.first?.member == "brand-a")

            let narrow = try await api.call(.GET, "/v1/check/image-pdq/\(Self.near)?max_distance=3")
            #expect(try narrow.decode(APIDocument.VerdictBody.self).status == "not_listed")

            let batch = try await api.call(
                .POST,
                "/v1/check",
                json: """
                    {"identifiers": [{"kind": "image-pdq", "value": "\(Self.near)"}, {"kind": "sku", "value": "x"}],
                     "max_distance": 4}
                    """
            )
            let verdicts = try batch.decode(APIDocument.Verdicts.self).verdicts
            #expect(verdicts.map(\.status) == ["listed", "not_listed"])
            #expect(verdicts[1].matches == nil, "other kinds carry no matches")

            let tooFar = try await api.call(.GET, "/v1/check/image-pdq/\(Self.near)?max_distance=33")
            #expect(tooFar.status == 400)
            #expect(try tooFar.problem().field == "max_distance")
            let notANumber = try await api.call(.GET, "/v1/check/image-pdq/\(Self.near)?max_distance=near")
            #expect(notANumber.status == 400)
            let problem = try await api.badRequest(
                "/v1/check",
                #"{"identifiers": [], "max_distance": -1}"#
            )
            #expect(problem.field == "max_distance")
        }
    }

    @Test("an uploaded PNG is hashed; what is not an image, or sent as another type, is refused")
    func hashImage() async throws {
        try await RunningAPI.with { api in
            let png = Data(TestImage.card())
            func upload(_ body: Data, as type: String) async throws -> RunningAPI.Answer {
                try await RunningAPI.call(
                    .POST,
                    url: "http://127.0.0.1:\(api.port)/v1/hash-image",
                    body: body,
                    contentType: type
                )
            }
            let answer = try await upload(png, as: "image/png")
            #expect(answer.status == 200)
            let hashed = try answer.decode(APIDocument.ImageHashBody.self)
            #expect(hashed.kind == "image-pdq")
            #expect(hashed.hash.count == 64)
            #expect(hashed.quality >= 50)
            let again = try await upload(png, as: "application/octet-stream")
            #expect(try again.decode(APIDocument.ImageHashBody.self) == hashed)

            let text = try await upload(Data("hello".utf8), as: "image/png")
            #expect(text.status == 400)
            #expect(try text.problem().detail.contains("not a JPEG or PNG"))
            let json = try await upload(png, as: "application/json")
            #expect(json.status == 415)
        }
    }
}
