import AsyncHTTPClient
import Foundation
import HallmarkAPI
import HallmarkCore
import HallmarkDocuments
import HallmarkMember
import HallmarkTestSupport
import Logging
import Metrics
import NIOCore
import NIOHTTP1
import Prometheus
import ServiceLifecycle
import Testing

/// A development member's node with its HTTP API served on an ephemeral loopback port and a Unix socket, and a
/// real HTTP client to call it.
struct RunningAPI {
    /// An answer: status, headers and body.
    struct Answer {
        var status: Int
        var headers: [(String, String)]
        var body: Data

        /// The body decoded as `type` (snake_case keys).
        func decode<T: Decodable>(_ type: T.Type) throws -> T {
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            return try decoder.decode(type, from: body)
        }

        /// The body as a problem document, after checking its media type.
        func problem() throws -> APIProblem {
            #expect(header("content-type") == APIProblem.mediaType)
            return try decode(APIProblem.self)
        }

        /// The first value of a header.
        func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }
    }

    let folder: URL
    let node: Member
    let server: APIServer
    let port: Int
    let socketPath: String

    /// Runs `body` against a fresh node of `member` serving its API; stops it gracefully afterwards.
    ///
    /// The node, its API and whatever `body` makes record their metrics into a registry of their own, which
    /// `/metrics` renders: tests running at the same time never see each other's counts.
    /// - Parameter prepare: Given the node made in its data folder, returns the node to serve (say, the same folder
    ///   reopened after changing it).
    static func with(
        _ member: String = "brand-a",
        peers: [APIServer.Peer] = [],
        prepare: (Member, URL) async throws -> Member = { node, _ in node },
        _ body: (RunningAPI) async throws -> Void
    ) async throws {
        let registry = PrometheusCollectorRegistry()
        try await withMetricsFactory(APIServer.metricsFactory(recordingInto: registry)) {
            try await with(member, peers: peers, metrics: registry, prepare: prepare, body)
        }
    }

    private nonisolated(nonsending) static func with(
        _ member: String,
        peers: [APIServer.Peer],
        metrics: PrometheusCollectorRegistry,
        prepare: (Member, URL) async throws -> Member,
        _ body: (RunningAPI) async throws -> Void
    ) async throws {
        let folder = DevelopmentAlliance.temporaryFolder("hallmark-api")
        defer { try? FileManager.default.removeItem(at: folder) }
        let node = try await prepare(try await DevelopmentAlliance.makeNode(member, in: folder), folder)
        let socketPath = folder.appendingPathComponent("node.sock").path
        let server = try APIServer(
            member: node,
            listeners: [.tcp(host: "127.0.0.1", port: 0), .unixSocket(path: socketPath)],
            peers: peers,
            metrics: metrics,
            logger: Logger(label: "test")
        )
        try await serve(server) {
            let api = RunningAPI(
                folder: folder,
                node: node,
                server: server,
                port: try await server.port,
                socketPath: socketPath
            )
            try await body(api)
        }
    }

    /// Runs `server` in a service group while `body` runs; stops it gracefully afterwards.
    nonisolated(nonsending) static func serve(_ server: APIServer, _ body: () async throws -> Void) async throws {
        let group = ServiceGroup(services: [server], logger: Logger(label: "test"))
        let running = Task { try await group.run() }
        do {
            try await body()
        } catch {
            await group.triggerGracefulShutdown()
            _ = await running.result
            throw error
        }
        await group.triggerGracefulShutdown()
        try await running.value
    }

    /// Calls the API over TCP.
    func call(
        _ method: HTTPMethod,
        _ path: String,
        json: String? = nil,
        contentType: String? = "application/json",
        token: String? = nil,
        accept: String? = nil
    ) async throws -> Answer {
        try await Self.call(
            method,
            url: "http://127.0.0.1:\(port)\(path)",
            body: json.map { Data($0.utf8) },
            contentType: contentType,
            token: token,
            accept: accept
        )
    }

    /// Posts `json` to `path`, expects `400` with a problem document, and returns the problem.
    func badRequest(_ path: String, _ json: String) async throws -> APIProblem {
        let answer = try await call(.POST, path, json: json)
        #expect(answer.status == 400)
        return try answer.problem()
    }

    /// Calls any URL (`http+unix://` too) with a real client.
    /// - Parameters:
    ///   - token: A bearer token to send.
    ///   - accept: An `Accept` header to send.
    ///   - client: The client, such as one that trusts the alliance CA for HTTPS.
    static func call(
        _ method: HTTPMethod,
        url: String,
        body: Data? = nil,
        contentType: String? = "application/json",
        token: String? = nil,
        accept: String? = nil,
        client: HTTPClient = .shared
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let accept { request.headers.add(name: "Accept", value: accept) }
        if let body {
            if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response = try await client.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 64 << 20)
        return Answer(
            status: Int(response.status.code),
            headers: response.headers.map { ($0.name, $0.value) },
            body: Data(bytes.readableBytesView)
        )
    }

    /// The percent-encoding of a path segment (`/` included).
    static func segment(_ text: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/?#%")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
