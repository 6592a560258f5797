import Foundation
import HTTPTypes
import HallmarkAPI
import HallmarkCore
import HallmarkDocuments
import HallmarkMember
import HallmarkRecords
import HallmarkStore
import HallmarkTestSupport
import Logging
import NIOHTTP1
import Testing

@Suite("Access control: bearer tokens beyond loopback")
struct AccessMiddlewareTests {
    static let indicator = #"{"indicators": [{"kind": "sku", "value": "FAKE-1"}]}"#
    static let check = #"{"identifiers": [{"kind": "sku", "value": "FAKE-1"}]}"#

    @Test("beyond loopback every route but the probes needs a token: 401 without, 403 for read-only on a write route")
    func tokensRequired() async throws {
        try await ExposedAPI.with(tokens: ["reader": .read, "writer": .write]) { api in
            for path in [
                "/v1/status", "/v1/peers", "/openapi.json", "/v1/check/sku/FAKE-1", "/taxii2/",
                "/taxii2/api/collections/", "/no-such-route",
            ] {
                let missing = try await api.call(.GET, path)
                #expect(missing.status == 401, "\(path)")
                #expect(missing.header("WWW-Authenticate") == #"Bearer realm="hallmark""#)
                #expect(try missing.problem().code == "unauthorized")
            }
            let unposted = try await api.call(.POST, "/v1/indicators", json: Self.indicator)
            #expect(unposted.status == 401)
            for probe in ["/healthz", "/readyz"] { #expect(try await api.call(.GET, probe).status == 200) }

            // A read token reads and checks, and may not write: nothing is appended.
            #expect(try await api.call(.GET, "/v1/status", token: "reader").status == 200)
            #expect(try await api.call(.POST, "/v1/check", json: Self.check, token: "reader").status == 200)
            #expect(try await api.call(.GET, "/v1/audit/sku/FAKE-1", token: "reader").status == 200)
            // A TAXII feed reads with a read token.
            #expect(try await api.call(.GET, "/taxii2/api/collections/", token: "reader").status == 200)
            for (path, json) in [
                ("/v1/indicators", Self.indicator), ("/v1/retractions", Self.check),
                ("/v1/disputes", #"{"kind": "sku", "value": "x", "origin": "brand-b", "reason": "r"}"#),
            ] {
                let refused = try await api.call(.POST, path, json: json, token: "reader")
                #expect(refused.status == 403, "\(path)")
                #expect(refused.header("WWW-Authenticate") == #"Bearer realm="hallmark", error="insufficient_scope""#)
                let problem = try refused.problem()
                #expect(problem.code == "insufficient-access")
                #expect(problem.detail.contains("'reader' is read-only"))
            }
            #expect(try await api.node.status().ownLogSize == 0)

            // A write token does everything.
            let written = try await api.call(.POST, "/v1/indicators", json: Self.indicator, token: "writer")
            #expect(written.status == 200)
            #expect(try written.decode(APIDocument.Outcome.self).appended == 1)
            let verdicts = try await api.call(.POST, "/v1/check", json: Self.check, token: "writer")
            #expect(try verdicts.decode(APIDocument.Verdicts.self).verdicts.first?.status == "listed")
            #expect(try await api.call(.GET, "/no-such-route", token: "writer").status == 404)

            // A secret of the right shape that is no token, and other schemes or garbage, are refused.
            let forged = "hm_" + String(repeating: "A", count: 43)
            for secret in [forged, "nonsense", api.secrets["writer", default: ""] + "x"] {
                let answer = try await api.call(.GET, "/v1/status", token: secret)
                #expect(answer.status == 401)
                #expect(answer.header("WWW-Authenticate") == #"Bearer realm="hallmark", error="invalid_token""#)
                #expect(try answer.problem().code == "invalid-token")
            }
        }
    }

    @Test("a token revoked or created by another process counts at the next request")
    func revocationAtOnce() async throws {
        try await ExposedAPI.with(tokens: ["ci": .write]) { api in
            #expect(try await api.call(.GET, "/v1/status", token: "ci").status == 200)
            // As `hallmark tokens` does beside the running node: its own connection to the store.
            let other = try await Member.open(dataDirectory: api.folder, logger: Logger(label: "test"))
            try await other.revokeAPIToken(named: "ci")
            let revoked = try await api.call(.POST, "/v1/indicators", json: Self.indicator, token: "ci")
            #expect(revoked.status == 401)
            #expect(try revoked.problem().code == "invalid-token")
            let fresh = try await other.createAPIToken(name: "ci-2", access: .read)
            #expect(try await api.call(.GET, "/v1/status", token: fresh.secret).status == 200)
            #expect(try await api.node.status().ownLogSize == 0)
        }
    }

    @Test("on loopback and the control socket no token is needed, but one that is sent is checked")
    func loopback() async throws {
        try await RunningAPI.with { api in
            #expect(try await api.call(.GET, "/v1/status").status == 200)
            #expect(try await api.call(.POST, "/v1/indicators", json: Self.indicator).status == 200)
            let host = api.socketPath.addingPercentEncoding(withAllowedCharacters: .urlHostAllowed) ?? ""
            #expect(try await RunningAPI.call(.GET, url: "http+unix://\(host)/v1/status").status == 200)

            let reader = try await api.node.createAPIToken(name: "reader", access: .read)
            #expect(try await api.call(.GET, "/v1/status", token: reader.secret).status == 200)
            let refused = try await api.call(.POST, "/v1/retractions", json: Self.check, token: reader.secret)
            #expect(refused.status == 403)
            let wrong = try await api.call(.GET, "/v1/status", token: "hm_wrong")
            #expect(wrong.status == 401)
            let overSocket = try await RunningAPI.call(.GET, url: "http+unix://\(host)/v1/status", token: "hm_wrong")
            #expect(overSocket.status == 401)
        }
    }

    @Test(
        "read routes need read, everything else write, the probes nothing",
        arguments: [
            ("GET", "/v1/status", "read"), ("GET", "/v1/check/sku/x", "read"), ("POST", "/v1/check", "read"),
            ("POST", "/v1/check/digests", "read"),
            ("POST", "/v1/indicators", "write"), ("POST", "/v1/retractions", "write"),
            ("POST", "/v1/disputes", "write"),
            ("DELETE", "/v1/status", "write"), ("POST", "/v1/check/", "write"), ("GET", "/healthz", "open"),
            ("GET", "/readyz", "open"),
        ]
    )
    func requiredAccess(_ method: String, _ path: String, _ expected: String) throws {
        let needed = APIServer.requiredAccess(method: try #require(HTTPRequest.Method(method)), path: path)
        #expect((needed?.rawValue ?? "open") == expected)
    }
}
