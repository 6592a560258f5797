import AsyncHTTPClient
import Foundation
import HallmarkAPI
import HallmarkMember
import HallmarkRecords
import HallmarkStore
import HallmarkTestSupport
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL

/// A development member's node with its API bound to 0.0.0.0 (not loopback): HTTPS with the member certificate,
/// tokens made before it starts. Called on 127.0.0.1 by a real client that trusts the alliance CA and nothing else.
struct ExposedAPI {
    let folder: URL
    let node: Member
    let port: Int
    /// The secret of each token made at start, by name.
    let secrets: [String: String]

    /// A client whose only trust root is the development alliance's CA (process-wide, never shut down).
    static let client = client {
        $0.trustRoots = .file(DevelopmentAlliance.folder.appendingPathComponent("ca.pem").path)
    }

    /// A client with the TLS settings `configure` makes of the default client configuration; shut it down after use.
    /// - Parameter connectTimeout: How long it tries to connect (it retries a failed TLS handshake until then).
    static func client(
        connectTimeout: TimeAmount = .seconds(10),
        _ configure: (inout TLSConfiguration) -> Void
    ) -> HTTPClient {
        var tls = TLSConfiguration.makeClientConfiguration()
        configure(&tls)
        return HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: HTTPClient.Configuration(
                tlsConfiguration: tls,
                timeout: HTTPClient.Configuration.Timeout(connect: connectTimeout)
            )
        )
    }

    /// The certificate and key of development member `member`, for HTTPS.
    static func certificate(_ member: String = "brand-a", key keyMember: String? = nil) throws -> APICertificate {
        try APICertificate(
            certificateFile: DevelopmentAlliance.certificate(member),
            keyFile: DevelopmentAlliance.folder.appendingPathComponent("\(keyMember ?? member)/member-key.pem")
        )
    }

    /// Runs `body` against a fresh brand-a node holding `tokens`, serving its API on 0.0.0.0 over HTTPS.
    static func with(tokens: [String: APIToken.Access], _ body: (ExposedAPI) async throws -> Void) async throws {
        let folder = DevelopmentAlliance.temporaryFolder("hallmark-api-exposed")
        defer { try? FileManager.default.removeItem(at: folder) }
        let node = try await DevelopmentAlliance.makeNode("brand-a", in: folder)
        var secrets: [String: String] = [:]
        for (name, access) in tokens {
            secrets[name] = try await node.createAPIToken(name: name, access: access).secret
        }
        let server = try APIServer(
            member: node,
            listeners: [.tcp(host: "0.0.0.0", port: 0)],
            certificate: try certificate(),
            logger: Logger(label: "test")
        )
        try await RunningAPI.serve(server) {
            try await body(ExposedAPI(folder: folder, node: node, port: try await server.port, secrets: secrets))
        }
    }

    /// Calls the API over HTTPS with a bearer token: the secret of the token named `token`, else `token` itself.
    func call(_ method: HTTPMethod, _ path: String, json: String? = nil, token: String? = nil) async throws
        -> RunningAPI.Answer
    {
        try await RunningAPI.call(
            method,
            url: "https://127.0.0.1:\(port)\(path)",
            body: json.map { Data($0.utf8) },
            token: token.map { secrets[$0] ?? $0 },
            client: Self.client
        )
    }
}
