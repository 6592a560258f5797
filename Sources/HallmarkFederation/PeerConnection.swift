import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import HallmarkCore
import HallmarkMember
import HallmarkPKI
import HallmarkProtocol
import Logging
import Synchronization

/// A client connection to one peer's federation service, authenticated both ways.
struct PeerConnection: Sendable {
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
        var request = Hallmark_V1_FetchLogRequest()
        request.origin = origin.rawValue
        request.start = start
        request.treeSize = treeSize
        request.maxEntriesPerChunk = UInt32(FederationLimits.defaultEntriesPerChunk)
        let waiting = PeerWait()
        try await withThrowingTaskGroup(of: Void.self) { [request] group in
            group.addTask {
                try await client.fetchLog(request, options: Self.options) { response in
                    for try await chunk in response.messages {
                        waiting.since = nil
                        try await onChunk(chunk)
                        waiting.since = .now
                    }
                }
            }
            group.addTask {
                while true {
                    let left = waiting.since.map { $0 + idleTimeout - .now } ?? idleTimeout
                    guard left > .zero else {
                        throw HallmarkError(
                            .peerProblem,
                            "the peer sent nothing for \(idleTimeout) during the fetch of \(origin): it stalled"
                        )
                    }
                    try await Task.sleep(for: left)
                }
            }
            // The fetch ends (or fails) first, or the watchdog does; either way the other is cancelled.
            try await group.next()
            group.cancelAll()
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

    /// Limits for every call. A fetch has no overall deadline: a cold sync of a large log streams for minutes; a
    /// stalled peer is caught by the fetch's idle deadline, a dead connection by its keepalive.
    private static var options: CallOptions {
        var options = CallOptions.defaults
        options.maxResponseMessageBytes = FederationLimits.maximumMessageBytes
        return options
    }
}

/// Since when a fetch waits on its peer; `nil` while this node handles a chunk (its own commits may be slow, and
/// that is not the peer's doing).
private final class PeerWait: Sendable {
    private let storage = Mutex<ContinuousClock.Instant?>(.now)

    var since: ContinuousClock.Instant? {
        get { storage.withLock { $0 } }
        set { storage.withLock { $0 = newValue } }
    }
}
