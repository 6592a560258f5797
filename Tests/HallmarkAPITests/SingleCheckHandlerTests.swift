import AsyncHTTPClient
import Foundation
import Glibc
import HallmarkCore
import HallmarkDocuments
import HallmarkMember
import HallmarkTestSupport
import Logging
import NIOCore
import NIOEmbedded
import NIOHTTP1
import NIOSSL
import Prometheus
import Testing

@testable import HallmarkAPI

@Suite("GET /v1/check/{kind}/{value} answered on the event loop")
struct SingleCheckHandlerTests {
    /// A response as the handler wrote it, whole and encoded.
    struct Encoded {
        var head: String
        var body: [UInt8]

        init(_ bytes: [UInt8]) throws {
            let end = try #require(bytes.firstRange(of: Array("\r\n\r\n".utf8)))
            head = String(decoding: bytes[..<end.lowerBound], as: UTF8.self)
            body = Array(bytes[end.upperBound...])
        }

        /// The value of header `name`, compared without case.
        func header(_ name: String) -> String? {
            head.split(separator: "\r\n").dropFirst().first { $0.lowercased().hasPrefix(name.lowercased() + ": ") }
                .map { String($0.dropFirst(name.count + 2)) }
        }
    }

    /// A channel with the handler and its writer alone, for `node`; its metrics go to a registry of their own.
    static func channel(_ node: Member) throws -> EmbeddedChannel {
        let metrics = APIMetrics(factory: PrometheusMetricsFactory(registry: PrometheusCollectorRegistry()))
        let writer = EncodedResponseWriter()
        let handler = SingleCheckHandler(
            member: node,
            metrics: metrics,
            accessLog: nil,
            date: HTTPDate(),
            writer: writer
        )
        return EmbeddedChannel(handlers: [writer, handler])
    }

    /// The router's answers to `count` requests it was passed, read off the channel.
    static func routerAnswers(_ channel: EmbeddedChannel, count: Int = 1) throws {
        for _ in 0..<count {
            try channel.writeOutbound(HTTPServerResponsePart.head(HTTPResponseHead(version: .http1_1, status: .ok)))
            try channel.writeOutbound(HTTPServerResponsePart.end(nil))
        }
        while try channel.readOutbound(as: HTTPServerResponsePart.self) != nil {}
    }

    static func get(
        _ path: String,
        method: HTTPMethod = .GET,
        version: HTTPVersion = .http1_1,
        _ headers: [(String, String)] = []
    ) -> HTTPRequestHead {
        var head = HTTPRequestHead(version: version, method: method, uri: path)
        head.headers.add(name: "Host", value: "127.0.0.1")
        head.headers.add(contentsOf: headers)
        return head
    }

    /// Sends a whole request without a body; returns what the handler answered, or `nil` when it passed the request on
    /// to the router (then checks that it passed it whole).
    static func exchange(_ channel: EmbeddedChannel, _ request: HTTPRequestHead) throws -> Encoded? {
        try channel.writeInbound(HTTPServerRequestPart.head(request))
        try channel.writeInbound(HTTPServerRequestPart.end(nil))
        if let passed = try channel.readInbound(as: HTTPServerRequestPart.self) {
            #expect(passed == .head(request))
            #expect(try channel.readInbound(as: HTTPServerRequestPart.self) == .end(nil))
            #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)
            return nil
        }
        let bytes = try #require(try channel.readOutbound(as: ByteBuffer.self), "neither passed on nor answered")
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)
        return try Encoded(Array(bytes.readableBytesView))
    }

    @Test("its answers are the router's, byte for byte, with the same headers; the server answers them too")
    func sameAnswers() async throws {
        try await RunningAPI.with { api in
            let listed = try Identifier(kind: .seller, value: "shopmart:fake bags")
            let allowed = try Identifier(kind: .sku, value: "authorized-1")
            let retracted = try Identifier(kind: .url, value: "https://shop.example/item/9")
            try await api.node.submit([
                Submission(identifier: listed, confidence: 77, reason: "counterfeit", note: "seen twice"),
                Submission(identifier: allowed), Submission(identifier: retracted),
            ])
            try await api.node.retract([retracted])
            try await api.node.allow([AllowlistItem(identifier: allowed)])
            let channel = try Self.channel(api.node)
            let paths = [
                "/v1/check/seller/shopmart%3Afake%20bags", "/v1/check/seller/ShopMart:Fake%20Bags",
                "/v1/check/sku/authorized-1", "/v1/check/url/https%3A%2F%2Fshop.example%2Fitem%2F9",
                "/v1/check/sku/never-listed",
            ]
            var statuses: [String] = []
            for path in paths {
                let answer = try #require(try Self.exchange(channel, Self.get(path)), "\(path)")
                let body = answer.body
                // The query sends the same question to the router (max_distance only matters to image hashes).
                let routed = try await api.call(.GET, path + "?max_distance=8")
                let served = try await api.call(.GET, path)
                #expect(answer.head.hasPrefix("HTTP/1.1 200 OK\r\n") && routed.status == 200 && served.status == 200)
                #expect(body == Array(routed.body), "\(path)")
                #expect(Array(served.body) == body, "\(path)")
                #expect(answer.header("content-type") == routed.header("content-type"))
                #expect(answer.header("content-length") == "\(body.count)")
                #expect(served.header("content-length") == "\(body.count)")
                let date = try #require(answer.header("date"))
                #expect(date.hasSuffix(" GMT") && date.count == "Sun, 06 Nov 1994 08:49:37 GMT".count)
                #expect(served.header("date") != nil)
                statuses.append(try routed.decode(APIDocument.VerdictBody.self).status)
            }
            #expect(statuses == ["listed", "listed", "allowlisted", "not_listed", "not_listed"])
            // Every answer counts in the request metrics, however it was answered.
            let metrics = String(decoding: try await api.call(.GET, "/metrics").body, as: UTF8.self)
            let series =
                #"hallmark_http_request_duration_seconds_count{method="GET",route="/v1/check/{kind}/{value}",status="200"}"#
            let count = metrics.split(separator: "\n").first { $0.hasPrefix(series) }?.split(separator: " ").last
            #expect(count == "\(2 * paths.count)", "\(metrics)")
        }
    }

    @Test("what memory cannot answer, what is unusual and what is not a single check goes on to the router")
    func passedOn() async throws {
        try await RunningAPI.with { api in
            let listed = try Identifier(kind: .seller, value: "shopmart:listed")
            let image = Hash256(w0: 7, w1: 8, w2: 9, w3: 10).hex
            try await api.node.submit([
                Submission(identifier: listed),
                Submission(identifier: try Identifier(kind: .imagePDQ, value: image)),
            ])
            let channel = try Self.channel(api.node)
            #expect(try Self.exchange(channel, Self.get("/v1/check/seller/shopmart:listed")) != nil)
            let passed: [HTTPRequestHead] = [
                Self.get("/v1/check/seller/shopmart:listed?max_distance=3"),
                Self.get("/v1/check/seller/shopmart:listed", [("Authorization", "Bearer hm_x")]),
                Self.get("/v1/check/seller/shopmart:listed", [("Connection", "close")]),
                Self.get("/v1/check/seller/shopmart:listed", [("connection", "keep-alive")]),
                Self.get("/v1/check/seller/shopmart:listed", [("Content-Length", "0")]),
                Self.get("/v1/check/seller/shopmart:listed", [("Transfer-Encoding", "chunked")]),
                Self.get("/v1/check/seller/shopmart:listed", version: .http1_0),
                Self.get("/v1/check/seller/shopmart:listed", method: .HEAD),
                Self.get("/v1/check/seller/shopmart:listed", method: .POST),
                Self.get("/v1/check/seller/shopmart:listed/more"),
                Self.get("/v1/check/seller/"),
                Self.get("/v1/check//shopmart:listed"),
                Self.get("/v1/check/nonsense/x"),
                Self.get("/v1/check/seller/bad%zzescape"),
                Self.get("/v1/check/image-pdq/\(image)"),
                Self.get("/v1/checks/seller/shopmart:listed"),
                Self.get("/healthz"),
            ]
            for request in passed {
                #expect(try Self.exchange(channel, request) == nil, "\(request)")
                // The router's answer to it, so that the next request may be answered here again.
                try Self.routerAnswers(channel)
            }
            #expect(try Self.exchange(channel, Self.get("/v1/check/seller/shopmart:listed")) != nil)
        }
    }

    @Test("a request behind one still with the router goes to the router too: answers keep the requests' order")
    func order() async throws {
        try await RunningAPI.with { api in
            try await api.node.submit([Submission(identifier: try Identifier(kind: .seller, value: "shopmart:a"))])
            let channel = try Self.channel(api.node)
            let check = Self.get("/v1/check/seller/shopmart:a")
            try channel.writeInbound(HTTPServerRequestPart.head(Self.get("/v1/check", method: .POST)))
            _ = try channel.readInbound(as: HTTPServerRequestPart.self)
            #expect(try Self.exchange(channel, check) == nil)
            #expect(try Self.exchange(channel, check) == nil)
            // The POST's body ends; the router answers the first request, then the second.
            try channel.writeInbound(HTTPServerRequestPart.end(nil))
            #expect(try channel.readInbound(as: HTTPServerRequestPart.self) == .end(nil))
            for _ in 0..<2 {
                try Self.routerAnswers(channel)
                #expect(try Self.exchange(channel, check) == nil)
            }
            // Three requests are still with the router: two answers leave one outstanding.
            try Self.routerAnswers(channel, count: 2)
            #expect(try Self.exchange(channel, check) == nil)
            try Self.routerAnswers(channel, count: 2)
            #expect(try Self.exchange(channel, check) != nil)
        }
    }

    @Test("pipelined over a real connection: a batch, then single checks, answered in order")
    func pipelined() async throws {
        try await RunningAPI.with { api in
            try await api.node.submit([Submission(identifier: try Identifier(kind: .seller, value: "shopmart:a"))])
            let batch = #"{"identifiers":[{"kind":"sku","value":"batch1"},{"kind":"sku","value":"batch2"}]}"#
            let requests =
                "POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: \(batch.utf8.count)\r\n\r\n\(batch)"
                + "GET /v1/check/seller/shopmart:a HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /v1/check/sku/single3 HTTP/1.1\r\nHost: x\r\n\r\n"
            let bodies = try await RawConnection.exchange(port: api.port, Array(requests.utf8), responses: 3)
            #expect(bodies.count == 3)
            guard bodies.count == 3 else { return }
            #expect(bodies[0].contains(#""value":"batch1""#) && bodies[0].contains(#""value":"batch2""#))
            #expect(bodies[1].contains(#""status":"listed""#) && bodies[1].contains(#""value":"shopmart:a""#))
            #expect(bodies[2].contains(#""value":"single3""#))
        }
    }

    @Test("over HTTPS on loopback (a certificate configured, no token needed) checks are answered the same")
    func overTLS() async throws {
        try await RunningAPI.with { api in
            try await api.node.submit([Submission(identifier: try Identifier(kind: .seller, value: "shopmart:a"))])
            let server = try APIServer(
                member: api.node,
                listeners: [.tcp(host: "127.0.0.1", port: 0)],
                certificate: try ExposedAPI.certificate(),
                logger: Logger(label: "test")
            )
            let client = ExposedAPI.client {
                $0.trustRoots = .file(DevelopmentAlliance.folder.appendingPathComponent("ca.pem").path)
            }
            try await RunningAPI.serve(server) {
                let url = "https://127.0.0.1:\(try await server.port)/v1/check/seller/shopmart:a"
                let answer = try await RunningAPI.call(.GET, url: url, client: client)
                let routed = try await RunningAPI.call(.GET, url: url + "?max_distance=8", client: client)
                #expect(answer.status == 200 && routed.status == 200)
                #expect(answer.body == routed.body)
                #expect(try answer.decode(APIDocument.VerdictBody.self).status == "listed")
            }
            try await client.shutdown()
        }
    }

    @Test("the Date header is IMF-fixdate, as Foundation formats it")
    func date() throws {
        #expect(HTTPDate.text(secondsSince1970: 784_111_777) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(HTTPDate.text(secondsSince1970: 0) == "Thu, 01 Jan 1970 00:00:00 GMT")
        #expect(HTTPDate.text(secondsSince1970: 951_782_400) == "Tue, 29 Feb 2000 00:00:00 GMT")
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let seconds = Int64.random(in: 0...253_402_300_799, using: &generator)
            let expected = formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
            #expect(HTTPDate.text(secondsSince1970: seconds) == expected, "\(seconds)")
        }
    }
}

/// Bytes sent over a plain TCP connection, and the bodies of the HTTP responses read back.
enum RawConnection {
    /// Sends `bytes` to the loopback `port` in one write and reads `responses` whole responses (by `Content-Length`),
    /// giving up after a minute (a full test run on a loaded machine took over ten seconds); returns their bodies, in
    /// order.
    static func exchange(port: Int, _ bytes: [UInt8], responses: Int) async throws -> [String] {
        let socket = try LoopbackSocket.connect(port: port)
        defer { close(socket) }
        let sent = bytes.withUnsafeBytes { send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        try #require(sent == bytes.count)
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            let count = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if count > 0 {
                received += buffer[..<count]
                if let bodies = bodies(in: received), bodies.count >= responses { return bodies }
            } else if count == 0 {
                break
            } else {
                try await Task.sleep(for: .milliseconds(10))
            }
        }
        return bodies(in: received) ?? []
    }

    /// The bodies of the whole responses at the start of `bytes`; `nil` when a response's head is malformed.
    private static func bodies(in bytes: [UInt8]) -> [String]? {
        var bodies: [String] = []
        var rest = bytes[...]
        let separator = Array("\r\n\r\n".utf8)
        while let end = rest.firstRange(of: separator) {
            let head = String(decoding: rest[..<end.lowerBound], as: UTF8.self).lowercased()
            guard let line = head.split(separator: "\r\n").first(where: { $0.hasPrefix("content-length:") }),
                let length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces))
            else { return nil }
            guard rest.distance(from: end.upperBound, to: rest.endIndex) >= length else { break }
            let bodyEnd = rest.index(end.upperBound, offsetBy: length)
            bodies.append(String(decoding: rest[end.upperBound..<bodyEnd], as: UTF8.self))
            rest = rest[bodyEnd...]
        }
        return bodies
    }
}
