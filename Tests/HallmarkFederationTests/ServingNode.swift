import Foundation
import HallmarkCore
import HallmarkFederation
import HallmarkMember
import HallmarkPKI
import HallmarkRecords
import HallmarkStore
import HallmarkTestSupport
import Logging

/// A development member's node with its federation listener on a loopback port, recording what it logs.
struct ServingNode {
    let member: Member
    let folder: URL
    let server: FederationServer
    let serving: Task<Void, any Error>
    let port: Int
    let logs: LogRecorder

    /// Starts `name`'s node (brand-a, brand-b or market-c), applying `revocations` when given, its listener within
    /// `limits`.
    static func start(
        _ name: String,
        revocations: RevocationList? = nil,
        limits: ConnectionLimits = .underTest,
        takingOffers: Bool = false
    ) async throws -> ServingNode {
        let folder = DevelopmentAlliance.temporaryFolder("hallmark-adversary")
        let logs = LogRecorder()
        let dev = DevelopmentAlliance.folder
        let member = try await Member.initialize(
            dataDirectory: folder,
            memberCertificate: DevelopmentAlliance.certificate(name),
            memberKey: dev.appendingPathComponent("\(name)/member-key.pem"),
            allianceCA: dev.appendingPathComponent("ca.pem"),
            allianceKey: dev.appendingPathComponent("alliance.key"),
            logger: logs.logger
        )
        if let revocations { member.useRevocationList(revocations) }
        let server = try FederationServer(
            member: member,
            host: "127.0.0.1",
            port: 0,
            limits: limits,
            offers: takingOffers
                ? OfferIntake(
                    engine: SyncEngine(member: member, logger: logs.logger),
                    lock: PullLock(),
                    logger: logs.logger
                ) : nil,
            logger: logs.logger
        )
        let serving = Task { try await server.serve() }
        return ServingNode(
            member: member,
            folder: folder,
            server: server,
            serving: serving,
            port: try await server.port,
            logs: logs
        )
    }

    /// Starts a node for each of `names` (applying `revocations` when given, listeners within `limits`), runs `body`
    /// with them in that order, then stops them all, awaited, whether `body` returned or threw: no listener or folder
    /// outlives the test.
    static func withNodes<Result>(
        _ names: [String],
        revocations: RevocationList? = nil,
        limits: ConnectionLimits = .underTest,
        _ body: ([ServingNode]) async throws -> Result
    ) async throws -> Result {
        var nodes: [ServingNode] = []
        let result: Swift.Result<Result, any Error>
        do {
            for name in names { nodes.append(try await start(name, revocations: revocations, limits: limits)) }
            result = .success(try await body(nodes))
        } catch {
            result = .failure(error)
        }
        for node in nodes { await node.stop() }
        return try result.get()
    }

    var id: MemberID { member.identity.member }

    var address: PeerAddress { PeerAddress(member: id, host: "127.0.0.1", port: port) }

    /// One sync round with the peer at `address`.
    func sync(from address: PeerAddress) async throws -> SyncReport {
        try await SyncEngine(member: member, logger: logs.logger).syncOnce(with: address)
    }

    /// One sync round with another running node.
    func sync(from peer: ServingNode) async throws -> SyncReport {
        try await sync(from: peer.address)
    }

    /// The entry count and the log head of `origin`, to show that nothing was stored.
    func snapshot(of origin: MemberID) async throws -> (entries: Int, size: UInt64?, root: Hash256?) {
        let head = try await member.store.logHead(of: origin)
        return (try await member.status().store.entryCount, head?.treeSize, head?.rootHash)
    }

    func stop() async {
        server.shutDown()
        _ = await serving.result
        try? FileManager.default.removeItem(at: folder)
    }
}

extension ConnectionLimits {
    /// The defaults with a handshake deadline of two minutes: with the whole suite running on two cores, a handshake
    /// (whose certificate check waits for the concurrency pool) can take longer than the 10 s a node allows, and the
    /// tests that use these limits are about what follows the handshake. The deadline has its own tests.
    static let underTest = ConnectionLimits(handshakeTimeout: .seconds(120))
}
