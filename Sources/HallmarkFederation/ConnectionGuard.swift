import HallmarkMember
import Logging
import Metrics
import NIOCore
import NIOSSL
import NIOTLS
import Synchronization

/// Enforces ``ConnectionLimits`` on the federation listener's accepted connections: refuses one over the limits at
/// once, and closes one whose TLS handshake has not finished by the deadline. Each refusal is logged with the
/// remote address (no member is known before the handshake), counted in
/// `hallmark_federation_connections_refused_total{reason}` and recorded on the ``RefusalBoard``. The log has the first
/// refusal of a kind to an address, then every power of two, so that a flood does not flood the log.
final class ConnectionGuard: Sendable {
    /// Why a connection was refused or closed.
    enum Refusal: String {
        case handshakeTimeout = "handshake_timeout"
        case perAddress = "per_address"
        case total
    }

    private struct Open {
        var byAddress: [String: Int] = [:]
        var counted = 0
    }

    let limits: ConnectionLimits
    private let open = Mutex(Open())
    private let refusals: RefusalBoard
    private let logger: Logger
    private let factory: any MetricsFactory

    init(
        limits: ConnectionLimits,
        refusals: RefusalBoard,
        logger: Logger,
        factory: any MetricsFactory = MetricsSystem.factory
    ) {
        self.limits = limits
        self.refusals = refusals
        self.logger = logger
        self.factory = factory
    }

    /// The connections open now, for tests and status.
    var openCount: Int { open.withLock { $0.byAddress.values.reduce(0, +) } }

    /// Admits `channel` or closes it; an admitted channel is released when it closes, and closed at the handshake
    /// deadline unless its handshake finished.
    func admit(_ channel: any Channel) -> EventLoopFuture<Void> {
        let address = channel.remoteAddress?.ipAddress ?? "unknown"
        if let refusal = take(address) {
            refuse(refusal, address: address)
            return channel.close()
        }
        channel.closeFuture.whenComplete { [self] _ in release(address) }
        return channel.eventLoop.makeCompletedFuture {
            let operations = channel.pipeline.syncOperations
            let tls = try operations.handler(type: NIOSSLServerHandler.self)
            let deadline = HandshakeDeadline(timeout: limits.handshakeTimeout) { [self] in
                refuse(.handshakeTimeout, address: address)
            }
            try operations.addHandler(deadline, position: .after(tls))
        }
    }

    /// Counts a connection from `address`, or says why it is over the limits.
    private func take(_ address: String) -> Refusal? {
        let reserved = limits.reservedAddresses.contains(address)
        return open.withLock { open in
            if open.byAddress[address, default: 0] >= limits.maximumPerAddress { return .perAddress }
            if !reserved, open.counted >= limits.maximumTotal { return .total }
            open.byAddress[address, default: 0] += 1
            if !reserved { open.counted += 1 }
            return nil
        }
    }

    private func release(_ address: String) {
        let reserved = limits.reservedAddresses.contains(address)
        open.withLock { open in
            open.byAddress[address, default: 1] -= 1
            if open.byAddress[address] == 0 { open.byAddress[address] = nil }
            if !reserved { open.counted -= 1 }
        }
    }

    private func refuse(_ refusal: Refusal, address: String) {
        Counter(
            label: "hallmark_federation_connections_refused_total",
            dimensions: [("reason", refusal.rawValue)],
            factory: factory
        ).increment()
        let reason =
            switch refusal {
            case .handshakeTimeout: "closed a connection whose TLS handshake did not finish in time"
            case .perAddress: "refused a connection: too many from its address"
            case .total: "refused a connection: too many open"
            }
        let count = refusals.record(from: "address \(address)", reason: reason)
        guard count.nonzeroBitCount == 1 else { return }
        logger.warning(
            "\(reason)",
            metadata: [
                "peer.address": "\(address)", "refusals": "\(count)",
                "limit.handshake_seconds": "\(limits.handshakeTimeout)",
                "limit.per_address": "\(limits.maximumPerAddress)", "limit.total": "\(limits.maximumTotal)",
            ]
        )
    }
}

/// Closes its connection when the TLS handshake has not completed `timeout` after the connection was accepted.
/// Sits right after the TLS handler, which announces a completed handshake with `TLSUserEvent.handshakeCompleted`.
private final class HandshakeDeadline: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private let timeout: Duration
    private let onTimeout: @Sendable () -> Void
    private var timer: Scheduled<Void>?

    init(timeout: Duration, onTimeout: @escaping @Sendable () -> Void) {
        self.timeout = timeout
        self.onTimeout = onTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let onTimeout = onTimeout
        let channel = context.channel
        timer = context.eventLoop.scheduleTask(in: .nanoseconds(Int64(timeout.nanoseconds))) {
            onTimeout()
            channel.close(promise: nil)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case TLSUserEvent.handshakeCompleted = event {
            timer?.cancel()
            timer = nil
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        context.fireChannelInactive()
    }
}

extension Duration {
    /// The duration in whole nanoseconds, saturating (a deadline of centuries is as good as none).
    fileprivate var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : whole.addingReportingOverflow(attoseconds / 1_000_000_000).partialValue
    }
}
