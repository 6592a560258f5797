import GRPCCore
import GRPCNIOTransportHTTP2
import HallmarkCore
import HallmarkMember
import HallmarkPKI
import Logging
import NIOCore
import SwiftASN1
import X509

/// The peer listener: the federation service over gRPC with mutual TLS, members only.
public final class FederationServer: Sendable {
    private let server: GRPCServer<HTTP2ServerTransport.Posix>
    private let transport: HTTP2ServerTransport.Posix
    private let closing: ClosingSignal
    /// The federation service this listener serves; it also answers the requests of peers this node offers its
    /// logs to (``PeerSync``).
    let service: FederationService?

    /// Prepares a listener on `host:port` (port 0 picks a free one) serving `member`'s logs.
    /// - Parameters:
    ///   - revocations: A source of the alliance's revocation list, read at each handshake and call; the newer of it
    ///     and the member's own list (``Member/revocations``) applies.
    ///   - limits: What peers can hold open and ask: the handshake deadline, connections per address and in total,
    ///     FetchLog calls per member. Refusals are recorded on ``Member/refusals``.
    ///   - offers: How logs offered by the members that dial this node are taken (Protocol/PROTOCOL.md §4.5); `nil`
    ///     refuses them.
    public convenience init(
        member: Member,
        host: String,
        port: Int,
        revocations: @escaping @Sendable () -> RevocationList? = { nil },
        limits: ConnectionLimits = ConnectionLimits(),
        offers: OfferIntake? = nil,
        logger: Logger
    ) throws {
        let current: @Sendable () -> RevocationList? = { [member] in
            PeerVerification.newest(revocations(), member.revocations)
        }
        let closing = ClosingSignal()
        let service = FederationService(
            member: member,
            revocations: current,
            closing: closing,
            fetches: FetchGate(
                limits: limits,
                refusals: member.refusals,
                onIdle: { [member] in member.releaseMemory() },
                logger: logger
            ),
            offers: offers,
            logger: logger
        )
        try self.init(
            identity: member.identity,
            host: host,
            port: port,
            services: [service],
            answering: service,
            revocations: current,
            closing: closing,
            limits: limits,
            refusals: member.refusals,
            logger: logger
        )
    }

    /// A listener with `identity`'s credentials serving `services`, with the same member checks in the handshake;
    /// `service` answers for this node in the Offer calls it makes.
    init(
        identity: NodeIdentity,
        host: String,
        port: Int,
        services: [any RegistrableRPCService],
        answering service: FederationService? = nil,
        revocations: @escaping @Sendable () -> RevocationList?,
        closing: ClosingSignal = ClosingSignal(),
        limits: ConnectionLimits = ConnectionLimits(),
        refusals: RefusalBoard = RefusalBoard(),
        logger: Logger
    ) throws {
        self.closing = closing
        self.service = service
        let guardian = ConnectionGuard(limits: limits, refusals: refusals, logger: logger)
        let verification = PeerVerification(trust: identity.trust, revocations: revocations, logger: logger)
        let callback = try verification.callback(expecting: nil)
        let credentials = try FederationCredentials(identity)
        transport = HTTP2ServerTransport.Posix(
            address: .ipv4(host: host, port: port),
            transportSecurity: .mTLS(
                certificateChain: [.bytes(credentials.certificatePEM, format: .pem)],
                privateKey: .bytes(credentials.keyPEM, format: .pem)
            ) { tls in
                tls.trustRoots = .certificates([.bytes(credentials.caPEM, format: .pem)])
                tls.clientCertificateVerification = .noHostnameVerification
                tls.customVerificationCallback = callback
            },
            config: .defaults { config in
                config.rpc.maxRequestPayloadSize = FederationLimits.maximumMessageBytes
                config.channelDebuggingCallbacks.onAcceptTCPConnection = { channel in
                    guardian.admit(channel).flatMap { HandshakeFailureLogger.install(on: channel, logger: logger) }
                }
            }
        )
        server = GRPCServer(transport: transport, services: services)
    }

    /// Serves until ``shutDown()`` or cancellation.
    public func serve() async throws {
        try await server.serve()
    }

    /// The port bound, once listening.
    public var port: Int {
        get async throws {
            guard let address = try await transport.listeningAddress.ipv4 else {
                throw HallmarkError(.fileProblem, "the federation listener has no IPv4 address")
            }
            return address.port
        }
    }

    /// Stops accepting calls and finishes those in flight.
    public func shutDown() {
        closing.close()
        server.beginGracefulShutdown()
    }
}

/// PEM bytes of a node's certificate, key and alliance CA, for TLS.
struct FederationCredentials: Sendable {
    let certificatePEM: [UInt8]
    let keyPEM: [UInt8]
    let caPEM: [UInt8]

    init(_ identity: NodeIdentity) throws {
        certificatePEM = Array(identity.certificatePEM.utf8)
        keyPEM = Array(identity.credentials.privateKeyPEM.utf8)
        caPEM = Array(try identity.trust.certificate.serializeAsPEM().pemString.utf8)
    }
}
