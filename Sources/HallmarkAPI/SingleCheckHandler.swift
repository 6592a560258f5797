import HTTPTypes
import HallmarkCore
import HallmarkDocuments
import HallmarkMember
import Logging
import Metrics
import NIOCore
import NIOHTTPTypes

/// Answers `GET /v1/check/{kind}/{value}` on the connection's event loop, ahead of the router, when memory alone can
/// (``Member/checkInMemory(_:at:)``): the question members ask most, at listing time, without the hop to a task and the
/// router's layers that cost most of its time (BENCHMARKS.md).
///
/// The answer is byte for byte the route's, with the same metrics and access log line. Everything else goes on to the
/// router unchanged, which answers it as before: other routes, a check memory cannot answer (an image hash, the
/// listed table not built yet, an origin the revocation list names), anything unusual about the request (a query, a
/// token to check, a `Connection` header, a body), bad input (the router's problem responses name it), and any
/// request while an earlier one on the connection is still with the router (answers keep the requests' order).
/// Not used on listeners that require tokens: those ask the store for every request's token.
final class SingleCheckHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// The route pattern this answers, as the metrics and the access log name it.
    static let route = "/v1/check/{kind}/{value}"
    private static let prefix = Array("/v1/check/".utf8)

    private let member: Member
    private let metrics: APIMetrics
    /// The route's histogram for answers `200`, looked up once per connection.
    private let timer: Metrics.Timer
    private let accessLog: Logger?
    private let date: HTTPDate
    /// Requests passed on to the router whose answer has not been written in full.
    private var withRouter = 0
    /// Whether the rest of a request answered here (its end) is still to be read and dropped.
    private var dropping = false
    private var flushDue = false

    init(member: Member, metrics: APIMetrics, accessLog: Logger?, date: HTTPDate) {
        self.member = member
        self.metrics = metrics
        self.timer = metrics.timer(.get, route: Self.route, status: .ok)
        self.accessLog = accessLog
        self.date = date
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let request):
            if withRouter == 0, let (response, body) = answer(request, allocator: context.channel.allocator) {
                dropping = true
                context.write(wrapOutboundOut(.head(response)), promise: nil)
                context.write(wrapOutboundOut(.body(body)), promise: nil)
                context.write(wrapOutboundOut(.end(nil)), promise: nil)
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
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        // Never below zero: an answer the server writes of itself (to a request it could not parse) is not one of
        // the requests counted.
        if case .end = unwrapOutboundIn(data) { withRouter = max(0, withRouter - 1) }
        context.write(data, promise: promise)
    }

    /// The answer to `request` when it is a single check that memory answers; `nil` leaves it to the router.
    private func answer(_ request: HTTPRequest, allocator: ByteBufferAllocator) -> (HTTPResponse, ByteBuffer)? {
        let start = ContinuousClock.now
        guard request.method == .get, let identifier = Self.identifier(in: request),
            let verdict = member.checkInMemory(identifier)
        else { return nil }
        let body = allocator.buffer(bytes: APIDocument.json(of: verdict))
        // Appended, not set by name: there is nothing to replace.
        var fields = HTTPFields()
        fields.append(HTTPField(name: .contentType, value: "application/json"))
        fields.append(HTTPField(name: .contentLength, value: String(body.readableBytes)))
        fields.append(HTTPField(name: .date, value: date.now))
        let duration = ContinuousClock.now - start
        timer.record(duration: duration)
        if let accessLog {
            metrics.log(.get, route: Self.route, status: .ok, duration: duration, to: accessLog)
        }
        return (HTTPResponse(status: .ok, headerFields: fields), body)
    }

    /// The identifier a plain `/v1/check/{kind}/{value}` asks about; `nil` for any other path, for one with a query,
    /// and for a request with a token, a `Connection` header or a body, or a kind or value that is not valid.
    private static func identifier(in request: HTTPRequest) -> Identifier? {
        let fields = request.headerFields
        guard let path = request.path, fields[.authorization] == nil, fields[.connection] == nil,
            fields[.contentLength] == nil, fields[.transferEncoding] == nil
        else { return nil }
        let bytes = path.utf8
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
