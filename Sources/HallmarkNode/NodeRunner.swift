import Foundation
import HallmarkAPI
import HallmarkCore
import HallmarkDocuments
import HallmarkFederation
import HallmarkMember
import Logging
import Metrics
import Prometheus
import ServiceLifecycle
import UnixSignals

/// Runs a member node: its federation listener, a sync loop per peer, and the local HTTP API (on
/// ``NodeConfiguration/api`` and on the control socket ``controlSocketName`` in the data folder), as services that
/// shut down gracefully on SIGINT or SIGTERM. One node runs on a data folder (``DataFolderLock``). The API beyond
/// loopback serves HTTPS and needs bearer tokens: the node refuses to start without a certificate or without a valid
/// token.
public enum NodeRunner {
    /// The file name of the node's control socket in its data folder: the HTTP API over a Unix domain socket.
    public static let controlSocketName = "node.sock"

    /// The process's Prometheus registry, which `GET /metrics` renders: bootstrapped as the process's metrics factory
    /// on first use, as a process may bootstrap `MetricsSystem` only once.
    static let metrics: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(APIServer.metricsFactory(recordingInto: registry))
        return registry
    }()

    /// Runs the node whose data folder is `dataDirectory` until a signal stops it.
    /// - Parameter onListening: Called with the federation port once the listener is bound.
    public static func run(
        dataDirectory: URL,
        configuration: NodeConfiguration,
        logger: Logger,
        onListening: @escaping @Sendable (Int) -> Void = { _ in }
    ) async throws {
        // First of all: one node per data folder, whatever became of the control socket file.
        let folderLock = try DataFolderLock.acquire(in: dataDirectory)
        defer { folderLock.release() }
        warnIfShared(dataDirectory, logger: logger)
        // Then, before the store opens: an address already taken is named by the setting that chose it.
        try configuration.listen.checkAvailable(setting: #"--listen (or "listen" in the configuration file)"#)
        try configuration.api.checkAvailable(setting: #"--api (or "api" in the configuration file)"#)
        // Before anything that records is made: each part takes the factory in force when it is made.
        let metrics = Self.metrics
        // The API answers at once; /readyz says "not ready" until FilterMaintenance has built a filter that had no
        // usable snapshot (checks are answered from the index meanwhile).
        let member = try await Member.open(dataDirectory: dataDirectory, logger: logger, deferringFilterBuild: true)
        member.useImageMatching(configuration.imageMatching)
        // The data folder lock is held: no other node is receiving an upload there.
        member.removeLeftUploads()
        let engine = SyncEngine(
            member: member,
            fetchIdleTimeout: .seconds(configuration.fetchIdleTimeoutSeconds),
            logger: logger
        )
        let lock = PullLock()
        let interval = Duration.seconds(configuration.syncIntervalSeconds)
        let server = try FederationServer(
            member: member,
            host: configuration.listen.host,
            port: configuration.listen.port,
            limits: configuration.connectionLimits,
            offers: configuration.acceptOffers
                ? OfferIntake(engine: engine, lock: lock, interval: interval, logger: logger) : nil,
            logger: logger
        )
        // Each peer dialled is also offered this node's logs over the same connection (§4.5).
        let syncs: [any Service] = configuration.peers.map { peer in
            PeerSync(engine: engine, peer: peer, interval: interval, lock: lock, offering: server, logger: logger)
        }
        let certificate = try configuration.apiCertificate(dataDirectory: dataDirectory)
        if let certificate, !certificate.serves(host: configuration.api.host) {
            logger.warning(
                """
                the HTTP API's certificate does not name the address it serves: clients that check host names will \
                fail TLS
                """,
                metadata: [
                    "api.address": "\(configuration.api)", "certificate": "\(certificate.certificateFile.path)",
                    "certificate.names": "\(certificate.names.joined(separator: ","))",
                    "fix": """
                    serve a certificate naming \(configuration.api.host) (api_tls_certificate, --api-tls-certificate)
                    """,
                ]
            )
        }
        let api = try APIServer(
            member: member,
            listeners: [
                .tcp(host: configuration.api.host, port: configuration.api.port),
                .unixSocket(path: dataDirectory.appendingPathComponent(controlSocketName).path),
            ],
            certificate: certificate,
            peers: configuration.peers.map { APIServer.Peer(member: $0.member, address: "\($0.host):\($0.port)") },
            // `hallmark sync` beside the node: the round runs here, so the filter has what it fetched at once.
            sync: { [engine, lock] peer in
                let address = try PeerAddress(parsing: peer)
                do {
                    return APIDocument.SyncResult(try await lock.run { try await engine.syncOnce(with: address) })
                } catch let error as HallmarkError {
                    throw error
                } catch {
                    throw HallmarkError(.peerProblem, "the sync with \(address) failed: \(error)")
                }
            },
            accessLog: configuration.accessLog,
            eventLoopThreads: configuration.apiThreads,
            metrics: metrics,
            logger: logger
        )
        // Before anything listens: an API beyond loopback with no token to let anyone in is a mistake.
        try await api.checkAccessControl()
        let group = ServiceGroup(
            services: [server, api, FilterMaintenance(member: member, logger: logger), MemoryTrimming()] + syncs,
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        )
        let announcement = Task {
            await announce(server, api: api, member: member, peers: configuration.peers, logger: logger, onListening)
        }
        defer { announcement.cancel() }
        try await group.run()
        try await member.close()
        logger.info("node stopped", metadata: ["member": "\(member.identity.member)"])
    }

    /// Warns when other users can enter the data folder (made before `init` set it to 0700, or changed since): it
    /// holds the member's raw identifiers and private key.
    private static func warnIfShared(_ dataDirectory: URL, logger: Logger) {
        let attributes = try? FileManager.default.attributesOfItem(atPath: dataDirectory.path)
        guard let mode = attributes?[.posixPermissions] as? Int, mode & 0o077 != 0 else { return }
        logger.warning(
            "other users can open the data folder, which holds raw identifiers and the member's private key",
            metadata: [
                "data": "\(dataDirectory.path)", "mode": "\(String(mode, radix: 8))",
                "fix": "chmod 700 \(dataDirectory.path)",
            ]
        )
    }

    private static func announce(
        _ server: FederationServer,
        api: APIServer,
        member: Member,
        peers: [PeerAddress],
        logger: Logger,
        _ onListening: @Sendable (Int) -> Void
    ) async {
        guard let port = try? await server.port, let apiPort = try? await api.port else { return }
        logger.info(
            "node listening",
            metadata: [
                "member": "\(member.identity.member)", "federation.port": "\(port)", "api.port": "\(apiPort)",
                "peers": "\(peers.map(\.description).joined(separator: ","))",
            ]
        )
        onListening(port)
    }
}
