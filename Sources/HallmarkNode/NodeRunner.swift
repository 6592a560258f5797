import Foundation
import HallmarkCore
import HallmarkFederation
import HallmarkMember
import Logging
import ServiceLifecycle
import UnixSignals

/// Runs a member node: its federation listener and a sync loop per peer, as services that shut down
/// gracefully on SIGINT or SIGTERM.
public enum NodeRunner {
    /// Runs the node whose data folder is `dataDirectory` until a signal stops it.
    /// - Parameter onListening: Called with the federation port once the listener is bound.
    public static func run(
        dataDirectory: URL,
        configuration: NodeConfiguration,
        logger: Logger,
        onListening: @escaping @Sendable (Int) -> Void = { _ in }
    ) async throws {
        let member = try await MemberNode.open(dataDirectory: dataDirectory, logger: logger)
        let server = try FederationServer(
            member: member,
            host: configuration.listen.host,
            port: configuration.listen.port,
            logger: logger
        )
        let engine = SyncEngine(member: member, logger: logger)
        let lock = PullLock()
        let syncs: [any Service] = configuration.peers.map { peer in
            PeerSync(
                engine: engine,
                peer: peer,
                interval: .seconds(configuration.syncIntervalSeconds),
                lock: lock,
                logger: logger
            )
        }
        let group = ServiceGroup(
            services: [server, FilterMaintenance(store: member.store, logger: logger)] + syncs,
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        )
        let announcement = Task {
            await announce(server, member: member, peers: configuration.peers, logger: logger, onListening)
        }
        defer { announcement.cancel() }
        try await group.run()
        try await member.close()
        logger.info("node stopped", metadata: ["member": "\(member.identity.member)"])
    }

    private static func announce(
        _ server: FederationServer,
        member: MemberNode,
        peers: [PeerAddress],
        logger: Logger,
        _ onListening: @Sendable (Int) -> Void
    ) async {
        guard let port = try? await server.port else { return }
        logger.info(
            "node listening",
            metadata: [
                "member": "\(member.identity.member)", "federation.port": "\(port)",
                "peers": "\(peers.map(\.description).joined(separator: ","))",
            ]
        )
        onListening(port)
    }
}
