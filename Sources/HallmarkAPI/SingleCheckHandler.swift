import HallmarkCore
import HallmarkDocuments
import HallmarkMember
import Hummingbird
import HummingbirdCore
import Logging
import Metrics
import NIOCore
import NIOHTTP1
import NIOHTTPTypesHTTP1

/// Answers `GET /v1/check/{kind}/{value}` on the connection's event loop, as soon as the request's head is decoded,
/// when memory alone can (``Member/checkInMemory(_:at:)``): the question members ask most, at listing time, without
/// the hop to a task, the router's layers and the response encoders that took most of its time (BENCHMARKS.md).
///
/// The answer is byte for byte the route's, with the same headers, metrics and access log line, written already
/// encoded through ``EncodedResponseWriter``. Everything else goes on unchanged, and the router answers it as before:
/// other routes, a check memory cannot answer (an image hash, the listed table not built yet, an origin the revocation
/// list names), anything unusual about the request (not HTTP/1.1, a query, a token to check, a `Connection` header, a
/// body), bad input (the router's problem responses name it), and any request while an earlier one on the connection
/// is still with the router (answers keep the requests' order). Not used on listeners that require tokens: those ask
/// the store for every request's token.
final class SingleCheckHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    /// The route pattern this answers, as the metrics and the access log name it.
    static let route = "/v1/check/{kind}/{value}"
    private static let prefix = Array("/v1/check/".utf8)

    private let member: Member
    private let metrics: APIMetrics
    /// The route's histogram for answers `200`, looked up once per connection.
    private let timer: Metrics.Timer
    private let accessLog: Logger?
    private let date: HTTPDate
    private let writer: EncodedResponseWriter
    /// Requests passed on to the router whose answer has not been written in full.
    private var withRouter = 0
    /// Whether the rest of a request answered here (its end) is still to be read and dropped.
    private var dropping = false
    private var flushDue = false

    /// - Parameter writer: Where answers are written: a handler ahead of the response encoder, on the same channel.
    init(member: Member, metrics: APIMetrics, accessLog: Logger?, date: HTTPDate, writer: EncodedResponseWriter) {
        self.member = member
        self.metrics = metrics
        self.timer = metrics.timer(.get, route: Self.route, status: .ok)
        self.accessLog = accessLog
        self.date = date
        self.writer = writer
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            if withRouter == 0, let answer = answer(head, allocator: context.channel.allocator) {
                dropping = true
                writer.write(answer)
                flushDue = true
                return
            }
            withRouter += 1
        case .body:
            if dropping { return }
        case .end:
            if dropping {
                dropping = false
                return
            }
        }
        context.fireChannelRead(data)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if flushDue {
            flushDue = false
            writer.flush()
        }
        context.fireChannelReadComplete()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        // Never below zero: an answer the server writes of itself (to a request it could not parse) is not one of
        // the requests counted.
        if case .end = unwrapOutboundIn(data) { withRouter = max(0, withRouter - 1) }
        context.write(data, promise: promise)
    }

    /// The whole response to `head` when it is a single check that memory answers; `nil` leaves it to the router.
    private func answer(_ head: HTTPRequestHead, allocator: ByteBufferAllocator) -> ByteBuffer? {
        let start = ContinuousClock.now
        guard let identifier = Self.identifier(in: head), let verdict = member.checkInMemory(identifier) else {
            return nil
        }
        let body = APIDocument.json(of: verdict)
        // The headers Hummingbird writes for the route's answer, in its order.
        var response = allocator.buffer(capacity: 128 + body.count)
        response.writeStaticString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ")
        response.writeString(String(body.count))
        response.writeStaticString("\r\nDate: ")
        response.writeString(date.now)
        response.writeStaticString("\r\n\r\n")
        response.writeBytes(body)
        let duration = ContinuousClock.now - start
        timer.record(duration: duration)
        if let accessLog {
            metrics.log(.get, route: Self.route, status: .ok, duration: duration, to: accessLog)
        }
        return response
    }

    /// The identifier a plain HTTP/1.1 `GET /v1/check/{kind}/{value}` asks about; `nil` for any other request, for one
    /// with a query, a token, a `Connection` header or a body, and for a kind or value that is not valid.
    private static func identifier(in head: HTTPRequestHead) -> Identifier? {
        let headers = head.headers
        guard head.method == .GET, head.version == .http1_1, !headers.contains(name: "authorization"),
            !headers.contains(name: "connection"), !headers.contains(name: "content-length"),
            !headers.contains(name: "transfer-encoding")
        else { return nil }
        let bytes = head.uri.utf8
        guard bytes.starts(with: prefix) else { return nil }
        let rest = bytes.dropFirst(prefix.count)
        guard let slash = rest.firstIndex(of: UInt8(ascii: "/")) else { return nil }
        let kindBytes = rest[..<slash]
        let valueBytes = rest[rest.index(after: slash)...]
        guard !kindBytes.isEmpty, !valueBytes.isEmpty,
            !valueBytes.contains(where: {
                $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#")
            }),
            let kind = PercentDecoding.decode(Substring(kindBytes)),
            let value = PercentDecoding.decode(Substring(valueBytes))
        else { return nil }
        return try? IdentifierInput(kind: kind, value: value).identifier(at: "")
    }
}

/// The place, ahead of the response encoder (and behind TLS, when the listener has it), from which
/// ``SingleCheckHandler`` writes responses it encoded itself; everything else passes through untouched.
final class EncodedResponseWriter: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    private var context: ChannelHandlerContext?

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    /// Writes `bytes`, a whole HTTP response, toward the socket.
    func write(_ bytes: ByteBuffer) {
        context?.write(wrapOutboundOut(.byteBuffer(bytes)), promise: nil)
    }

    func flush() {
        context?.flush()
    }
}

/// Hummingbird's HTTP/1.1 child channel with ``SingleCheckHandler`` between the request decoder and Hummingbird's
/// own handlers, and its ``EncodedResponseWriter`` ahead of the response encoder.
struct SingleCheckHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value

    let base: HTTP1Channel
    let member: Member
    let metrics: APIMetrics
    let accessLog: Logger?
    let date: HTTPDate

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let (member, metrics, accessLog, date) = (member, metrics, accessLog, date)
        return base.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let pipeline = channel.pipeline.syncOperations
            let writer = EncodedResponseWriter()
            try pipeline.addHandler(writer, position: .before(try pipeline.handler(type: HTTPResponseEncoder.self)))
            try pipeline.addHandler(
                SingleCheckHandler(member: member, metrics: metrics, accessLog: accessLog, date: date, writer: writer),
                position: .before(try pipeline.handler(type: HTTP1ToHTTPServerCodec.self))
            )
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}
