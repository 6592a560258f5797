import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import HallmarkCore
import HallmarkMember
import HallmarkPKI
import HallmarkProtocol
import HallmarkRecords
import Logging
import SwiftASN1
import X509

/// The `hallmark.v1.Federation` service: serves every log this node holds to authenticated members.
///
/// The transport has already verified the caller's certificate against the alliance CA; the service reads
/// the member id from it for logging, refuses a caller without one, and answers `PERMISSION_DENIED` to a member
/// revoked since its connection was made.
public struct FederationService: Hallmark_V1_Federation.SimpleServiceProtocol {
    let member: Member
    let trees: LogTreeCache
    let revocations: @Sendable () -> RevocationList?
    let closing: ClosingSignal
    let fetches: FetchGate
    let offers: OfferIntake?
    let logger: Logger

    /// Serves `member`'s store, refusing members revoked by the member's revocation list (``Member/revocations``).
    public init(member: Member, logger: Logger) {
        self.init(
            member: member,
            revocations: { [member] in member.revocations },
            closing: ClosingSignal(),
            fetches: FetchGate(limits: ConnectionLimits(), refusals: member.refusals, logger: logger),
            logger: logger
        )
    }

    /// Serves `member`'s store, refusing members revoked by the list `revocations` gives; watch streams and Offer
    /// calls end when `closing` fires; FetchLog calls within what `fetches` allows; logs offered by the members that
    /// dial this node taken by `offers`, or refused when it is `nil`.
    init(
        member: Member,
        revocations: @escaping @Sendable () -> RevocationList?,
        closing: ClosingSignal,
        fetches: FetchGate,
        offers: OfferIntake? = nil,
        logger: Logger
    ) {
        self.member = member
        self.trees = member.trees
        self.revocations = revocations
        self.closing = closing
        self.fetches = fetches
        self.offers = offers
        self.logger = logger
    }

    public func getHeads(
        request: Hallmark_V1_GetHeadsRequest,
        context: ServerContext
    ) async throws -> Hallmark_V1_GetHeadsResponse {
        let peer = try caller(context)
        try checkVersion(request.protocolVersion)
        let response = try await headsResponse()
        logger.debug("served heads", metadata: ["peer": "\(peer)", "heads": "\(response.heads.count)"])
        return response
    }

    /// This node's version vector, as GetHeads answers it.
    func headsResponse() async throws -> Hallmark_V1_GetHeadsResponse {
        var response = Hallmark_V1_GetHeadsResponse()
        response.protocolVersion = FederationLimits.protocolVersion
        response.member = member.identity.member.rawValue
        response.heads = try await heldHeads()
        return response
    }

    public func fetchLog(
        request: Hallmark_V1_FetchLogRequest,
        response: RPCWriter<Hallmark_V1_LogChunk>,
        context: ServerContext
    ) async throws {
        let peer = try caller(context)
        try await fetches.fetch(by: peer) {
            try await serve(request, peer: peer) { try await response.write($0) }
        }
    }

    /// Answers a FetchLog request that `peer` sent in an Offer call this node made (§4.5), within the same limits
    /// as a FetchLog call: its chunks, then an end saying whether the range was sent whole.
    func answerFetch(
        _ request: Hallmark_V1_FetchLogRequest,
        from peer: MemberID,
        write: @escaping @Sendable (Hallmark_V1_LogChunk) async throws -> Void
    ) async throws -> Hallmark_V1_OfferEnd {
        do {
            try await fetches.fetch(by: peer) { try await serve(request, peer: peer, write: write) }
            return Hallmark_V1_OfferEnd()
        } catch let error as RPCError {
            return Hallmark_V1_OfferEnd(error)
        }
    }

    /// Streams the range `request` asks for, in chunks, to `write`.
    private func serve(
        _ request: Hallmark_V1_FetchLogRequest,
        peer: MemberID,
        write: @Sendable (Hallmark_V1_LogChunk) async throws -> Void
    ) async throws {
        let origin: MemberID
        do {
            origin = try MemberID(request.origin)
        } catch let error as HallmarkError {
            throw RPCError(code: .invalidArgument, message: "origin: \(error.message)")
        }
        let requested = Int(request.maxEntriesPerChunk)
        guard requested <= FederationLimits.maximumEntriesPerChunk else {
            throw RPCError(
                code: .invalidArgument,
                message:
                    "max_entries_per_chunk \(requested) is over the limit of \(FederationLimits.maximumEntriesPerChunk)"
            )
        }
        guard request.treeSize <= Checkpoint.maximumTreeSize else {
            throw RPCError(
                code: .invalidArgument,
                message:
                    "tree_size \(request.treeSize) is over the largest a log may reach (\(Checkpoint.maximumTreeSize))"
            )
        }
        guard request.start <= request.treeSize else {
            throw RPCError(
                code: .invalidArgument,
                message: "start \(request.start) is beyond tree_size \(request.treeSize)"
            )
        }
        guard let checkpoint = try await member.checkpoint(of: origin, treeSize: request.treeSize) else {
            throw RPCError(
                code: .notFound,
                message: "no checkpoint of \(origin) at tree size \(request.treeSize) held here"
            )
        }
        try fetches.checkOriginRate(peer: peer, origin: origin)
        let checkpointBytes = Data(checkpoint.encoded())
        let tree = try await trees.tree(of: origin, size: request.treeSize)
        let perChunk = UInt64(requested == 0 ? FederationLimits.defaultEntriesPerChunk : requested)
        var start = request.start
        while start < request.treeSize {
            let end = min(start + perChunk, request.treeSize)
            var chunk = Hallmark_V1_LogChunk()
            chunk.firstIndex = start
            chunk.entries = try await member.entryBytes(of: origin, range: start..<end).map { Data($0) }
            chunk.rightSubtrees = try tree.subtreeHashes(from: end, to: request.treeSize).map { Data($0.bytes) }
            chunk.checkpoint = checkpointBytes
            try await write(chunk)
            start = end
        }
        logger.debug(
            "served log range",
            metadata: [
                "peer": "\(peer)", "log.origin": "\(origin)", "log.range": "\(request.start)..<\(request.treeSize)",
            ]
        )
    }

    public func watchHeads(
        request: Hallmark_V1_WatchHeadsRequest,
        response: RPCWriter<Hallmark_V1_OriginHead>,
        context: ServerContext
    ) async throws {
        let peer = try caller(context)
        try checkVersion(request.protocolVersion)
        logger.debug("peer watches heads", metadata: ["peer": "\(peer)"])
        // Subscribe, then send every head held: a checkpoint committed after the caller's first GetHeads was answered
        // but before this subscription would otherwise reach it only at its next anti-entropy round.
        let growth = member.logGrowth()
        // Until the peer hangs up or this listener shuts down.
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for head in try await heldHeads() { try await response.write(head) }
                for await origin in growth {
                    if let head = try await latestHead(of: origin) { try await response.write(head) }
                }
            }
            group.addTask { await closing.wait() }
            try await group.next()
            group.cancelAll()
        }
    }

    public func offer(
        request: RPCAsyncSequence<Hallmark_V1_OfferMessage, any Error>,
        response: RPCWriter<Hallmark_V1_OfferRequest>,
        context: ServerContext
    ) async throws {
        let peer = try caller(context)
        guard let offers else {
            throw RPCError(
                code: .permissionDenied,
                message: "this node does not take logs offered by the members that dial it (accept_offers is false)"
            )
        }
        let link = offers.link(to: PeerAddress(calling: peer, from: context.remotePeer), writer: response)
        logger.info("a member offers its logs over the connection it opened", metadata: ["peer": "\(link.address)"])
        let (number, replaced) = offers.calls.open(peer)
        defer { offers.calls.end(number, of: peer) }
        // The call lasts while this node follows the link: that ends once the member ends its side (and what it
        // sent is committed), when this listener shuts down, or when the member opens a newer Offer call (ABORTED).
        // A broken rule in the member's messages ends it at once, with that error.
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await link.receive(request)
                return false
            }
            group.addTask {
                try await link.send()
                return false
            }
            group.addTask {
                do {
                    try await offers.follow(link)
                } catch {
                    logger.debug("an offer ended", metadata: ["peer": "\(link.address)", "error": "\(error)"])
                }
                return true
            }
            group.addTask {
                await closing.wait()
                return true
            }
            group.addTask {
                await replaced.wait()
                guard replaced.isClosed else { return true }
                throw RPCError(code: .aborted, message: "a newer Offer call from \(peer) replaced this one")
            }
            while let done = try await group.next() {
                if done { group.cancelAll() }
            }
        }
    }

    /// The latest checkpoint of `origin` as a head; `nil` when it or the origin's certificate is not held.
    func latestHead(of origin: MemberID) async throws -> Hallmark_V1_OriginHead? {
        guard let checkpoint = try await member.latestCheckpoint(of: origin),
            let pem = try await member.certificatePEM(of: origin)
        else { return nil }
        return try await head(checkpoint, certificatePEM: pem)
    }

    /// The latest checkpoint of every origin held whose certificate is held, as heads.
    func heldHeads() async throws -> [Hallmark_V1_OriginHead] {
        var heads: [Hallmark_V1_OriginHead] = []
        for (checkpoint, pem) in try await member.latestCheckpoints() {
            guard let pem else { continue }
            heads.append(try await head(checkpoint, certificatePEM: pem))
        }
        return heads
    }

    /// The member calling, from its verified certificate.
    private func caller(_ context: ServerContext) throws -> MemberID {
        guard let certificate = (context.transportSpecific as? HTTP2ServerTransport.Posix.Context)?.peerCertificate,
            let id = try? certificate.memberID()
        else {
            logger.warning(
                "refused a call without a member certificate",
                metadata: ["rpc.peer": "\(context.remotePeer)"]
            )
            throw RPCError(
                code: .unauthenticated,
                message: "a member certificate issued by the alliance CA is required"
            )
        }
        if let list = revocations(), let revocation = list.revocation(of: certificate),
            revocation.isInEffect(at: Date())
        {
            logger.warning(
                "refused a call from a revoked member",
                metadata: [
                    "peer": "\(id)", "peer.serial": "\(certificate.serialNumber.hexText)",
                    "rpc.peer": "\(context.remotePeer)",
                    "revocation":
                        "as of \(revocation.time.ISO8601Format()) (\(revocation.reason)), list \(list.number)",
                ]
            )
            throw RPCError(
                code: .permissionDenied,
                message: "the certificate of \(id) was revoked as of \(revocation.time.ISO8601Format())"
            )
        }
        return id
    }

    private func checkVersion(_ version: UInt32) throws {
        guard version >= 1 else {
            throw RPCError(
                code: .failedPrecondition,
                message:
                    "protocol_version \(version) is not supported; this node speaks \(FederationLimits.protocolVersion)"
            )
        }
    }

    /// The head of `checkpoint`'s origin: the checkpoint, its origin's certificate, and the cosignatures of it held
    /// here (this node's own first), at most ``FederationLimits/maximumCosignaturesPerHead``.
    func head(_ checkpoint: Checkpoint, certificatePEM: String) async throws -> Hallmark_V1_OriginHead {
        var head = Hallmark_V1_OriginHead()
        head.origin = checkpoint.origin.rawValue
        head.checkpoint = Data(checkpoint.encoded())
        head.certificateDer = Data(try Certificate(pemEncoded: certificatePEM).derBytes())
        let cosignatures = try await member.cosignatures(of: checkpoint)
        for stored in cosignatures.prefix(FederationLimits.maximumCosignaturesPerHead) {
            var cosignature = Hallmark_V1_Cosignature()
            cosignature.cosigner = stored.cosigner.rawValue
            cosignature.time = UInt64(stored.cosignature.seconds)
            cosignature.signature = Data(stored.cosignature.signature)
            cosignature.certificateDer = Data(try Certificate(pemEncoded: stored.certificatePEM).derBytes())
            head.cosignatures.append(cosignature)
        }
        return head
    }
}
