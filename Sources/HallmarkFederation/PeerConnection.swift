import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import HallmarkCore
import HallmarkMember
import HallmarkPKI
import HallmarkProtocol
import Logging

/// A client connection to one peer's federation service, authenticated both ways.
struct PeerConnection: LogSource {
    let address: PeerAddress
    let client: Hallmark_V1_Federation.Client<HTTP2ClientTransport.Posix>

    /// Connects to `address` for the duration of `body`, then closes the connection.
    static func with<Result: Sendable>(
        _ address: PeerAddress,
        identity: NodeIdentity,
        revocations: @escaping @Sendable () -> RevocationList?,
        logger: Logger,
        _ body: (PeerConnection) async throws -> Result
    ) async throws -> Result {
        let credentials = try FederationCredentials(identity)
        let callback = try PeerVerification(trust: identity.trust, revocations: revocations, logger: logger)
            .callback(expecting: address.member)
        let transport = try HTTP2ClientTransport.Posix(
            // An IP address must not go into SNI, so name IPv4 peers as addresses, not as DNS names.
            target: address.isIPv4
                ? .ipv4(address: address.host, port: address.port) as any ResolvableTarget
                : .dns(host: address.host, port: address.port) as any ResolvableTarget,
            transportSecurity: .mTLS(
                certificateChain: [.bytes(credentials.certificatePEM, format: .pem)],
                privateKey: .bytes(credentials.keyPEM, format: .pem)
            ) { tls in
                tls.trustRoots = .certificates([.bytes(credentials.caPEM, format: .pem)])
                tls.serverCertificateVerification = .noHostnameVerification
                tls.customVerificationCallback = callback
            },
            config: .defaults { config in
                config.http2.maxFrameSize = 1 << 20
                // A peer that stops answering mid-stream is dropped after five minutes of silence (gRPC servers
                // refuse pings more frequent than that by default).
                config.connection.keepalive = .init(
                    time: .seconds(300),
                    timeout: .seconds(30),
                    allowWithoutCalls: false
                )
            }
        )
        do {
            return try await withGRPCClient(transport: transport) { grpc in
                try await body(PeerConnection(address: address, client: Hallmark_V1_Federation.Client(wrapping: grpc)))
            }
        } catch let error as RPCError {
            // Name the peer: the transport's message alone does not say which one failed.
            throw HallmarkError(.peerProblem, "peer \(address): \(error.code): \(error.message)")
        }
    }

    /// The peer's version vector.
    func heads() async throws -> Hallmark_V1_GetHeadsResponse {
        var request = Hallmark_V1_GetHeadsRequest()
        request.protocolVersion = FederationLimits.protocolVersion
        var options = Self.options
        options.timeout = .seconds(120)
        return try await client.getHeads(request, options: options)
    }

    /// Streams `origin`'s entries `[start, treeSize)` to `onChunk`, chunk by chunk.
    /// - Parameter idleTimeout: How long to wait for the peer's next chunk; the time `onChunk` takes does not count.
    /// - Throws: ``HallmarkError`` `peer-problem` when the peer sends nothing for `idleTimeout`.
    func fetch(
        origin: MemberID,
        start: UInt64,
        treeSize: UInt64,
        idleTimeout: Duration,
        onChunk: @escaping @Sendable (Hallmark_V1_LogChunk) async throws -> Void
    ) async throws {
        let request = Hallmark_V1_FetchLogRequest(origin: origin, start: start, treeSize: treeSize)
        try await PeerWait.run(idleTimeout: idleTimeout, fetching: origin) { [client, request] waiting in
            try await client.fetchLog(request, options: Self.options) { response in
                for try await chunk in response.messages {
                    waiting.since = nil
                    try await onChunk(chunk)
                    waiting.since = .now
                }
            }
        }
    }

    /// Calls `onHead` with each checkpoint the peer commits from now on, until the call ends.
    func watch(onHead: @escaping @Sendable (Hallmark_V1_OriginHead) async throws -> Void) async throws {
        var request = Hallmark_V1_WatchHeadsRequest()
        request.protocolVersion = FederationLimits.protocolVersion
        try await client.watchHeads(request) { response in
            for try await head in response.messages { try await onHead(head) }
        }
    }

    /// Offers this node's logs to the peer over this connection until the call ends (Protocol/PROTOCOL.md §4.5):
    /// every head held and then each new one, and the answers to the peer's requests, one request at a time, within
    /// `service`'s limits for the peer.
    /// - Throws: The call's error; `PERMISSION_DENIED` or `UNIMPLEMENTED` when the peer does not take offers.
    func offer(answering service: FederationService) async throws {
        let peer = address.member
        // Requests and new heads, in arrival order. A peer asking faster than this node answers loses what is over
        // the backlog: it waits on its own requests.
        let (work, feed) = AsyncStream<OfferWork>.makeStream(
            bufferingPolicy: .bufferingOldest(FederationLimits.maximumOfferBacklog)
        )
        let growth = service.member.logGrowth()
        try await client.offer(
            options: Self.options,
            requestProducer: { writer in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for await origin in growth { feed.yield(.grown(origin)) }
                    }
                    group.addTask {
                        for head in try await service.heldHeads() { try await writer.write(.init(announcing: head)) }
                        for await item in work {
                            switch item {
                            case .grown(let origin):
                                if let head = try await service.latestHead(of: origin) {
                                    try await writer.write(.init(announcing: head))
                                }
                            case .request(let request):
                                try await Self.answer(request, from: peer, with: service, to: writer)
                            }
                        }
                    }
                    // The peer ended its side (the work stream finished), or writing failed.
                    try await group.next()
                    group.cancelAll()
                }
            },
            onResponse: { response in
                defer { feed.finish() }
                for try await request in response.messages { feed.yield(.request(request)) }
            }
        )
    }

    private enum OfferWork: Sendable {
        case request(Hallmark_V1_OfferRequest)
        case grown(MemberID)
    }

    private static func answer(
        _ request: Hallmark_V1_OfferRequest,
        from peer: MemberID,
        with service: FederationService,
        to writer: RPCWriter<Hallmark_V1_OfferMessage>
    ) async throws {
        var answer = Hallmark_V1_OfferMessage()
        answer.id = request.id
        switch request.request {
        case .getHeads:
            answer.heads = try await service.headsResponse()
        case .fetchLog(let fetch):
            let chunkMessage = answer
            do {
                answer.end = try await service.answerFetch(fetch, from: peer) { chunk in
                    var message = chunkMessage
                    message.chunk = chunk
                    try await writer.write(message)
                }
            } catch let error as HallmarkError {
                answer.end = Hallmark_V1_OfferEnd(failure: error)
            }
        case nil:
            answer.end = Hallmark_V1_OfferEnd(RPCError(code: .invalidArgument, message: "a request with nothing in it"))
        }
        try await writer.write(answer)
    }

    /// Limits for every call. A fetch has no overall deadline: a cold sync of a large log streams for minutes; a
    /// stalled peer is caught by the fetch's idle deadline, a dead connection by its keepalive.
    private static var options: CallOptions {
        var options = CallOptions.defaults
        options.maxResponseMessageBytes = FederationLimits.maximumMessageBytes
        return options
    }
}
