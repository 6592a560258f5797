import Foundation
import HTTPTypes
import HallmarkAPI
import HallmarkMember
import HallmarkRecords
import HallmarkStore
import HallmarkTestSupport
import NIOHTTP1
import Testing

@Suite("The OpenAPI document")
struct OpenAPIDocumentTests {
    static let file = DevelopmentAlliance.repositoryRoot.appendingPathComponent("Protocol/http-api.openapi.json")

    @Test("/openapi.json serves Protocol/http-api.openapi.json, and its routes are exactly the ones served")
    func routesAgree() async throws {
        let repository = try Data(contentsOf: Self.file)
        try await RunningAPI.with { api in
            let served = try await api.call(.GET, "/openapi.json")
            #expect(served.status == 200)
            #expect(served.body == repository)

            let document = try #require(try JSONSerialization.jsonObject(with: repository) as? [String: Any])
            #expect(document["openapi"] as? String == "3.1.0")
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            let methods = ["get", "put", "post", "delete", "patch", "head", "options", "trace"]
            var documented: [String] = []
            for (path, operations) in paths {
                for method in operations.keys where methods.contains(method) {
                    documented.append("\(method.uppercased()) \(path)")
                }
            }
            #expect(documented.sorted() == api.server.routeSignatures.sorted())

            // Every schema referenced is defined.
            let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
            let text = String(decoding: repository, as: UTF8.self)
            let references = text.matches(of: /"#\/components\/schemas\/([A-Za-z]+)"/).map { String($0.1) }
            #expect(!references.isEmpty)
            for name in Set(references) { #expect(schemas[name] != nil, "\(name) is referenced but not defined") }
        }
    }

    @Test("each operation's security names the access the server requires of it: none, read or write")
    func securityAgrees() throws {
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: Self.file)) as? [String: Any]
        )
        let components = try #require(document["components"] as? [String: Any])
        let schemes = try #require(components["securitySchemes"] as? [String: [String: Any]])
        #expect(schemes["bearer"]?["type"] as? String == "http")
        #expect(schemes["bearer"]?["scheme"] as? String == "bearer")
        let paths = try #require(document["paths"] as? [String: [String: [String: Any]]])
        for (path, operations) in paths {
            for (method, operation) in operations {
                let requirement = try #require(operation["security"] as? [[String: [String]]], "\(method) \(path)")
                let documented = requirement.first?["bearer"]?.first
                let required = APIServer.requiredAccess(
                    method: try #require(HTTPRequest.Method(method.uppercased())),
                    path: path
                )
                #expect(documented == required?.rawValue, "\(method) \(path)")
                let responses = operation["responses"] as? [String: Any] ?? [:]
                #expect((responses["401"] != nil) == (required != nil), "\(method) \(path)")
                #expect((responses["403"] != nil) == (required == .write), "\(method) \(path)")
            }
        }
    }
}
