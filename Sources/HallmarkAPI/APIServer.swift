import Foundation
import HallmarkCore
import HallmarkDocuments
import HallmarkMember
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import Prometheus
import ServiceLifecycle

/// The node's local HTTP API, served on a TCP address and/or a Unix domain socket until the service group shuts
/// down gracefully.
///
/// The routes, bodies, problems and limits are those of `Protocol/http-api.openapi.json` (served at
/// `/openapi.json`). On loopback and on the Unix socket (made readable and writable by its owner only, mode 0600)
/// no credential is needed. A TCP listener bound to any other address serves HTTPS only and needs a bearer token
/// on every route but the probes (see ``checkAccessControl()``); the server refuses to start without both.
public final class APIServer: Service, Sendable {
    /// Where the API listens.
    public enum Listener: Sendable, Hashable, CustomStringConvertible {
        /// A TCP address; port 0 picks a free one (see ``APIServer/port``).
        case tcp(host: String, port: Int)
        /// A Unix domain socket file, such as the node's control socket `DATA/node.sock`. A stale socket file left
        /// by a node that is gone is replaced; the file is removed when the server stops.
        case unixSocket(path: String)

        public var description: String {
            switch self {
            case .tcp(let host, let port): "\(host):\(port)"
            case .unixSocket(let path): "unix:\(path)"
            }
        }
    }

    /// A configured federation peer, as `GET /v1/peers` lists it.
    public struct Peer: Sendable, Hashable {
        /// The member its certificate must name.
        public var member: MemberID
        /// Where its node listens, `HOST:PORT`.
        public var address: String

        /// Creates a peer entry.
        public init(member: MemberID, address: String) {
            self.member = member
            self.address = address
        }
    }

    /// Runs one round of sync with the peer `MEMBER@HOST:PORT` for `POST /v1/sync`.
    public typealias Sync = @Sendable (_ peer: String) async throws -> APIDocument.SyncResult

    let listeners: [Listener]
    let member: Member
    let certificate: APICertificate?
    private let routes: [APIRoute]
    private let accessLog: Bool
    private let eventLoopThreads: Int
    private let requestMetrics = APIMetrics()
    private let date = HTTPDate()
    private let logger: Logger
    private let boundPort = BoundPort()
    private let sockets: SocketCountdown

    /// Prepares a server for `member` on `listeners`; nothing is bound before ``run()``.
    ///
    /// The server's own metrics (request durations) go to the metrics factory in force now, as the member node's did
    /// when it was made: `MetricsSystem.factory`, or a task-local one from `withMetricsFactory`.
    /// - Parameters:
    ///   - peers: The configured federation peers, for `GET /v1/peers`.
    ///   - sync: What `POST /v1/sync` runs: the node's sync engine; `nil` answers 503.
    ///   - accessLog: Whether to log every request (at `info`: method, route pattern, status, milliseconds).
    ///   - eventLoopThreads: The threads that serve the API's connections (and answer single checks; see
    ///     ``defaultEventLoopThreads``), 1 to 256.
    ///   - metrics: The registry `GET /metrics` renders: the one that factory records into (see
    ///     ``metricsFactory(recordingInto:)``); an empty one unless given.
    ///   - certificate: What TCP listeners serve HTTPS with; `nil` serves plain HTTP, which only loopback may.
    /// - Throws: ``HallmarkError`` `invalid-value` when `listeners` is empty, `not-permitted` when a TCP listener
    ///   is not loopback and there is no `certificate`.
    public init(
        member: Member,
        listeners: [Listener],
        certificate: APICertificate? = nil,
        peers: [Peer] = [],
        sync: Sync? = nil,
        accessLog: Bool = false,
        eventLoopThreads: Int = APIServer.defaultEventLoopThreads,
        metrics: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
        logger: Logger
    ) throws {
        guard !listeners.isEmpty else {
            throw HallmarkError(.invalidValue, "the HTTP API needs a TCP address or a Unix socket path to listen on")
        }
        try Self.checkHTTPS(listeners: listeners, certificate: certificate)
        guard Self.eventLoopThreadRange.contains(eventLoopThreads) else {
            throw HallmarkError(
                .invalidValue,
                "the HTTP API's threads must number 1 to \(Self.eventLoopThreadRange.upperBound), not \(eventLoopThreads)"
            )
        }
        self.eventLoopThreads = eventLoopThreads
        self.listeners = listeners
        self.sockets = SocketCountdown(listeners.filter { if case .unixSocket = $0 { true } else { false } }.count)
        self.member = member
        self.certificate = certificate
        self.routes = Self.routes(member: member, peers: peers, sync: sync, metrics: metrics)
        self.accessLog = accessLog
        var logger = logger
        logger[metadataKey: "component"] = "api"
        self.logger = logger
    }

    /// How many threads serve the API unless told: one fewer than the machine's cores, and at least one. Single checks
    /// are answered on these threads; the spare core is left to the rest of the node (syncs, imports, batch checks,
    /// filter rebuilds) and to the machine, so that those do not take turns with the checks for a core and lengthen
    /// their tail (BENCHMARKS.md measures both on 2 cores).
    public static var defaultEventLoopThreads: Int { max(1, System.coreCount - 1) }

    /// How long a graceful shutdown waits for requests in flight (an import finishing its chunk, a sync through the
    /// API) before it cuts them short: within the 60 s the example systemd unit gives the node to stop.
    static let shutdownGrace = Duration.seconds(30)

    /// The numbers of threads the API may be given.
    public static let eventLoopThreadRange = 1...256

    /// Every route the API serves, in the order of the OpenAPI document's paths.
    static func routes(member: Member, peers: [Peer], sync: Sync?, metrics: PrometheusCollectorRegistry)
        -> [APIRoute]
    {
        var routes = CheckRoutes(member: member).routes
        routes += ImageRoutes().routes
        routes += FilterExportRoutes(member: member).routes
        routes += TAXIIRoutes(member: member).routes
        routes += SubmissionRoutes(member: member).routes
        routes += SyncRoutes(sync: sync).routes
        routes += AuditRoutes(member: member).routes
        routes += OriginRoutes(member: member).routes
        routes += ReportRoutes(member: member).routes
        routes += StatusRoutes(member: member, peers: peers, metrics: metrics).routes
        return routes
    }

    /// A Prometheus metrics factory that records into `registry`, with request duration buckets fit for this API
    /// (from 100 µs); for `MetricsSystem.bootstrap` or `withMetricsFactory`.
    public static func metricsFactory(recordingInto registry: PrometheusCollectorRegistry) -> PrometheusMetricsFactory {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets[APIMetrics.requestDuration] = APIMetrics.requestDurationBuckets
        return factory
    }

    /// The methods and paths served (OpenAPI form, such as `GET /v1/check/{kind}/{value}`).
    public var routeSignatures: [String] { routes.map { "\($0.method.rawValue) \($0.path)" } }

    /// The TCP port bound by the first TCP listener, once every listener listens.
    /// - Throws: ``HallmarkError`` when there is no TCP listener, or the server stopped before binding.
    public var port: Int {
        get async throws {
            _ = try await sockets.ready.value
            return try await boundPort.value
        }
    }

    /// Serves until the service group shuts down gracefully; then removes the Unix socket file.
    /// - Throws: ``HallmarkError`` `not-permitted` as ``checkAccessControl()``; `file-problem` when a live server
    ///   already answers on the Unix socket path, or the path holds something that is not a socket; errors binding an
    ///   address.
    public func run() async throws {
        let sockets = listeners.compactMap { listener -> String? in
            if case .unixSocket(let path) = listener { return path }
            return nil
        }
        if !listeners.contains(where: { if case .tcp = $0 { true } else { false } }) {
            boundPort.settle(.failure(HallmarkError(.notFound, "the HTTP API has no TCP listener")))
        }
        do {
            try await checkAccessControl()
            let threads = MultiThreadedEventLoopGroup(numberOfThreads: eventLoopThreads)
            defer { threads.shutdownGracefully { _ in } }
            let applications = try listeners.map { try makeApplication($0, on: threads) }
            for path in sockets { try await Self.clearStaleSocket(at: path) }
            defer { for path in sockets { try? FileManager.default.removeItem(atPath: path) } }
            // Each task says whether it was a listener (true) or the shutdown's grace running out (false).
            try await withThrowingTaskGroup(of: Bool.self) { group in
                for application in applications {
                    group.addTask {
                        try await application.run()
                        return true
                    }
                }
                // One listener failing ends them all. In a graceful shutdown each ends once its requests in flight
                // are answered (an idle one at once): the others get up to `shutdownGrace` to answer theirs (an
                // import stops at the end of its chunk) before they are cut short.
                var running = applications.count - 1
                _ = try await group.next()
                if Task.isShuttingDownGracefully {
                    group.addTask {
                        try? await Task.sleep(for: Self.shutdownGrace)
                        return false
                    }
                    while running > 0, try await group.next() == true { running -= 1 }
                }
                group.cancelAll()
                try await group.waitForAll()
            }
        } catch {
            let failure = HallmarkError(.peerProblem, "the HTTP API did not start: \(error)")
            boundPort.settle(.failure(failure))
            self.sockets.ready.settle(.failure(failure))
            throw error
        }
        let stopped = HallmarkError(.notFound, "the HTTP API stopped before it was listening")
        boundPort.settle(.failure(stopped))
        self.sockets.ready.settle(.failure(stopped))
    }

    /// The router: the metrics middleware first, to time every request, then the problem middleware, so that it sees
    /// every route's errors and unrouted requests, then the access control.
    static func router(
        routes: [APIRoute],
        metrics: APIMetrics,
        access: AccessMiddleware,
        accessLog: Logger?,
        logger: Logger
    ) -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: RequestMetricsMiddleware(metrics: metrics, accessLog: accessLog))
        router.add(middleware: ProblemMiddleware(routes: routes, logger: logger))
        router.add(middleware: access)
        for route in routes {
            router.on(RouterPath(route.routerPath), method: route.method, use: route.handler)
        }
        return router
    }

    private func makeApplication(
        _ listener: Listener,
        on threads: MultiThreadedEventLoopGroup
    ) throws -> Application<RouterResponder<BasicRequestContext>> {
        let address: BindAddress
        var tls: TLSConfiguration?
        switch listener {
        case .tcp(let host, let port):
            address = .hostname(host, port: port)
            tls = certificate?.tlsConfiguration
        case .unixSocket(let path): address = .unixDomainSocket(path: path)
        }
        let member = member
        let metrics = requestMetrics
        let accessLogger = accessLog ? logger : nil
        let date = date
        // Single checks are answered on the event loop where memory can (SingleCheckHandler), except where every
        // request's token must be looked up in the store.
        let http1 =
            listener.requiresToken
            ? HTTPServerBuilder.http1()
            : HTTPServerBuilder { responder in
                SingleCheckHTTP1Channel(
                    base: HTTP1Channel(responder: responder),
                    member: member,
                    metrics: metrics,
                    accessLog: accessLogger,
                    date: date
                )
            }
        let server: HTTPServerBuilder = try tls.map { try .tls(http1, tlsConfiguration: $0) } ?? http1
        let scheme = tls == nil ? "http" : "https"
        let access = AccessMiddleware(member: member, tokensRequired: listener.requiresToken, logger: logger)
        let logger = logger
        let boundPort = boundPort
        let sockets = sockets
        return Application(
            responder: Self.router(
                routes: routes,
                metrics: metrics,
                access: access,
                accessLog: accessLogger,
                logger: logger
            ).buildResponder(),
            server: server,
            configuration: ApplicationConfiguration(address: address),
            onServerRunning: { channel in
                switch listener {
                case .tcp(let host, _):
                    let port = channel.localAddress?.port ?? 0
                    boundPort.settle(.success(port))
                    logger.info(
                        "HTTP API listening",
                        metadata: ["api.address": "\(host):\(port)", "api.scheme": "\(scheme)"]
                    )
                case .unixSocket(let path):
                    // Owner only: whoever can connect can submit as this member.
                    _ = try? FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
                    logger.info("HTTP API listening", metadata: ["api.socket": "\(path)"])
                    sockets.listening()
                }
            },
            eventLoopGroupProvider: .shared(threads),
            logger: logger
        )
    }

    /// Removes a socket file left by a server that is gone; refuses to touch a live one or anything else.
    private static func clearStaleSocket(at path: String) async throws {
        guard let type = try? FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType else {
            return
        }
        guard type == .typeSocket else {
            throw HallmarkError(
                .fileProblem,
                "exists and is not a socket; remove it or choose another path",
                location: path
            )
        }
        let live = try? await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(unixDomainSocketPath: path).get()
        if let live {
            try? await live.close()
            throw HallmarkError(
                .fileProblem,
                "another process is serving this socket (is a node already running on this data folder?)",
                location: path
            )
        }
        try FileManager.default.removeItem(atPath: path)
    }
}
