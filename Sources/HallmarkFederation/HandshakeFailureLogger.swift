import Logging
import NIOCore
import NIOSSL

/// Logs, with the client's address, a TLS handshake that the server refused — no certificate, or one the member
/// checks refused — which ends the connection before any call and would otherwise leave no trace.
///
/// Sits right after the TLS handler of each accepted connection; passes every event on unchanged.
final class HandshakeFailureLogger: ChannelInboundHandler {
    typealias InboundIn = NIOAny

    private let logger: Logger
    private let address: String
    private var reported = false

    init(logger: Logger, address: SocketAddress?) {
        self.logger = logger
        self.address = address.map { "\($0)" } ?? "unknown"
    }

    /// Adds a logger after the TLS handler of an accepted connection.
    static func install(on channel: any Channel, logger: Logger) -> EventLoopFuture<Void> {
        channel.eventLoop.makeCompletedFuture {
            let operations = channel.pipeline.syncOperations
            let tls = try operations.handler(type: NIOSSLServerHandler.self)
            try operations.addHandler(
                HandshakeFailureLogger(logger: logger, address: channel.remoteAddress),
                position: .after(tls)
            )
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if !reported, case NIOSSLError.handshakeFailed = error {
            reported = true  // once per connection
            logger.warning(
                "refused a TLS connection",
                metadata: ["peer.address": "\(address)", "error": "\(error)"]
            )
        }
        context.fireErrorCaught(error)
    }
}
