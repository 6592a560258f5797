import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import HallmarkCore
import HallmarkMember
import HallmarkProtocol
import HallmarkRecords
import HallmarkTestSupport
import Synchronization
import Testing

@testable import HallmarkFederation

/// A member that calls FetchLog without pause, or holds many streams open, is refused beyond its budget, named in
/// the node's refusals, and costs the other members nothing.
@Suite("FetchLog calls beyond a member's budget are refused")
struct FetchRateTests {
    /// Small limits, so that a test reaches them in a few calls: 2 streams at once; bursts of 20 calls, and of 5 for
    /// one origin, refilled so slowly (one call in 1 000 s) that how long the test takes does not matter.
    static let limits = ConnectionLimits(
        handshakeTimeout: ConnectionLimits.underTest.handshakeTimeout,
        maximumFetchesPerPeer: 2,
        fetchRatePerPeer: CallRate(perSecond: 0.001, burst: 20),
        fetchRatePerOrigin: CallRate(perSecond: 0.001, burst: 5)
    )

    @Test("calls over the rate for one origin, and in all, get RESOURCE_EXHAUSTED; another member still syncs")
    func rates() async throws {
        try await ServingNode.withNodes(["brand-a", "brand-b", "market-c"], limits: Self.limits) { nodes in
            let (a, b, c) = (nodes[0], nodes[1], nodes[2])
            try await a.member.submit([Submission(identifier: try Identifier(kind: .sku, value: "RATE-1"))])
            try await b.member.submit([Submission(identifier: try Identifier(kind: .sku, value: "RATE-2"))])
            _ = try await a.sync(from: b)
            var outcomes: [String: [RPCError.Code?]] = [:]
            try await Self.withClient(of: "market-c", port: a.port) { client in
                // Ten calls for brand-a's log at once: the burst of 5 for one origin, then refusals.
                for origin in ["brand-a", "brand-b"] {
                    for _ in 0..<10 { outcomes[origin, default: []].append(await Self.fetch(origin, with: client)) }
                }
                // The burst of 20 in all is spent (5 + 5 served, 10 refused for their origin): more are refused for
                // the peer's rate whatever the origin.
                for _ in 0..<10 { outcomes["any", default: []].append(await Self.fetch("brand-b", with: client)) }
            }
            let served = Array(repeating: RPCError.Code?.none, count: 5)
            let refused = Array(repeating: RPCError.Code?.some(.resourceExhausted), count: 5)
            #expect(outcomes["brand-a"] == served + refused, "\(outcomes)")
            #expect(outcomes["brand-b"] == served + refused, "\(outcomes)")
            #expect(outcomes["any"]?.allSatisfy { $0 == .resourceExhausted } == true, "\(outcomes)")

            let refusals = a.member.refusals.all
            #expect(refusals.allSatisfy { $0.from == "market-c" }, "\(refusals)")
            let reasons = Set(refusals.map(\.reason))
            #expect(
                reasons == [
                    "FetchLog of one origin over 0.001 a second (bursts of 5)",
                    "FetchLog over 0.001 a second (bursts of 20)",
                ],
                "\(reasons)"
            )
            let warnings = a.logs.all.filter { $0.message.hasPrefix("refused a call: FetchLog") }
            #expect(warnings.allSatisfy { $0.metadata["peer"] == "market-c" } && !warnings.isEmpty)

            // Another member is unaffected: market-c's budget is its own.
            let synced = try await c.sync(from: a)
            #expect(synced.rejected.isEmpty, "\(synced)")
            _ = try await b.sync(from: a)
            #expect(try await b.member.logHead(of: a.id)?.treeSize == 1)
        }
    }

    @Test("a head whose fetch the peer refused for its rate is asked for again after a pause, not at the next round")
    func refusedHeadAskedAgain() async throws {
        var limits = Self.limits
        limits.fetchRatePerPeer = CallRate(perSecond: 1_000)
        // One call for brand-a's log every 20 s, no burst: spent just before the next checkpoint (below), so that
        // the sync's fetch of it is refused however loaded the machine, and allowed again by the last of the pauses
        // (23.5 s after the refusal).
        limits.fetchRatePerOrigin = CallRate(perSecond: 0.05, burst: 1)
        try await ServingNode.withNodes(["brand-a", "market-c"], limits: limits) { nodes in
            let (a, c) = (nodes[0], nodes[1])
            try await a.member.submit([Submission(identifier: try Identifier(kind: .sku, value: "PACE-0"))])
            var sync = PeerSync(
                engine: SyncEngine(member: c.member, logger: c.logs.logger),
                peer: a.address,
                interval: .seconds(86_400),
                lock: PullLock(),
                logger: c.logs.logger
            )
            sync.refusalPauses = [.milliseconds(500), .seconds(1), .seconds(22)]
            let running = Task { [sync] in try await sync.run() }
            defer { running.cancel() }
            // Generous deadlines: the full suite loads the machine. Without the pauses a refused head waits for the
            // next round, a day away, whatever the deadline.
            func held(_ size: UInt64) async throws -> Bool {
                let deadline = ContinuousClock.now + .seconds(90)
                while ContinuousClock.now < deadline {
                    if try await c.member.logHead(of: a.id)?.treeSize == size { return true }
                    try await Task.sleep(for: .milliseconds(20))
                }
                return false
            }
            // The first round takes the log. Then market-c spends the call brand-a allows (if it came back meanwhile),
            // and the next checkpoint comes at once.
            #expect(try await held(1))
            try await Self.withClient(of: "market-c", port: a.port) { client in
                _ = await Self.fetch("brand-a", with: client)
            }
            try await a.member.submit([Submission(identifier: try Identifier(kind: .sku, value: "PACE-1"))])
            #expect(try await held(2), "the refused head waited for the next round, a day away")
            #expect(a.member.refusals.all.contains { $0.reason.hasPrefix("FetchLog of one origin") })
        }
    }

    @Test("a third stream at once is refused while two are held, and recorded against the member")
    func concurrency() async throws {
        var limits = Self.limits
        limits.fetchRatePerPeer = CallRate(perSecond: 1_000)
        try await ServingNode.withNodes(["brand-a"], limits: limits) { nodes in
            let a = nodes[0]
            // Enough entries that a stream not read stays open: 3 000 chunks of one entry each, far more than the
            // HTTP/2 flow-control window lets the node send unread.
            let size = 3_000
            try await a.member.submit(
                try (0..<size).map { Submission(identifier: try Identifier(kind: .sku, value: "HOLD-\($0)")) }
            )
            try await Self.withClient(of: "market-c", port: a.port) { client in
                let holds = Holds()
                let holders = (0..<2).map { _ in
                    Task {
                        var request = Hallmark_V1_FetchLogRequest()
                        request.origin = "brand-a"
                        request.treeSize = UInt64(size)
                        request.maxEntriesPerChunk = 1
                        var options = RawClient.callOptions
                        options.timeout = .seconds(600)
                        try await client.fetchLog(request, options: options) { response in
                            var messages = response.messages.makeAsyncIterator()
                            _ = try await messages.next()
                            holds.started.add(1, ordering: .sequentiallyConsistent)
                            // Hold the stream open, unread, until the test lets go.
                            while !holds.released.load(ordering: .sequentiallyConsistent) {
                                try await Task.sleep(for: .milliseconds(20))
                            }
                        }
                    }
                }
                // Both streams are in once each has delivered its first chunk; then a third is refused.
                while holds.started.load(ordering: .sequentiallyConsistent) < 2 {
                    try await Task.sleep(for: .milliseconds(20))
                }
                #expect(await Self.fetch("brand-a", with: client) == .resourceExhausted)
                holds.released.store(true, ordering: .sequentiallyConsistent)
                for holder in holders { holder.cancel() }
                for holder in holders { _ = try? await holder.value }
            }
            #expect(a.member.refusals.all.contains { $0.reason == "FetchLog over 2 streams at once" })
        }
    }

    @Test("when the last stream ends and none follows, the gate lets the node give memory back, at most so often")
    func idle() async throws {
        let calls = Atomic(0)
        let gate = FetchGate(
            limits: ConnectionLimits(),
            refusals: RefusalBoard(),
            onIdle: { calls.add(1, ordering: .sequentiallyConsistent) },
            logger: LogRecorder().logger
        )
        let peers = try ["brand-a", "brand-b", "market-c"].map { try MemberID($0) }
        // The first call comes after this, so the interval since that call is at most the time since this.
        let started = ContinuousClock.now
        // Three overlapping streams: the gate is idle only once the last one ends.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, peer) in peers.enumerated() {
                group.addTask {
                    try await gate.fetch(by: peer) { try await Task.sleep(for: .milliseconds(100 * (index + 1))) }
                }
            }
            try await group.waitForAll()
        }
        var waited = Duration.zero
        while calls.load(ordering: .sequentiallyConsistent) == 0, waited < .seconds(60) {
            try await Task.sleep(for: .milliseconds(100))
            waited += .milliseconds(100)
        }
        #expect(calls.load(ordering: .sequentiallyConsistent) == 1)
        // Another stream soon after: no second call within the interval.
        try await gate.fetch(by: peers[0]) {}
        try await Task.sleep(for: FetchGate.idleDelay * 2)
        // On a machine so loaded that the interval itself passed meanwhile, a second call is right: nothing to check.
        if ContinuousClock.now - started < FetchGate.idleInterval {
            #expect(calls.load(ordering: .sequentiallyConsistent) == 1)
        }
    }

    /// Runs `body` with a client of the listener at `port` holding `member`'s certificate.
    static func withClient(
        of member: String,
        port: Int,
        _ body: (Hallmark_V1_Federation.Client<HTTP2ClientTransport.Posix>) async throws -> Void
    ) async throws {
        let certificatePEM = try String(contentsOf: DevelopmentAlliance.certificate(member), encoding: .utf8)
        let keyPEM = try String(
            contentsOf: DevelopmentAlliance.folder.appendingPathComponent("\(member)/member-key.pem"),
            encoding: .utf8
        )
        try await RawClient.withClient(port: port, certificatePEM: certificatePEM, keyPEM: keyPEM, body)
    }

    /// Fetches `origin`'s whole log at size 1 (every test log here has an entry 0); nil when served, else the
    /// status code.
    static func fetch(
        _ origin: String,
        with client: Hallmark_V1_Federation.Client<HTTP2ClientTransport.Posix>
    ) async -> RPCError.Code? {
        var request = Hallmark_V1_FetchLogRequest()
        request.origin = origin
        request.treeSize = 1
        do {
            try await client.fetchLog(request, options: RawClient.callOptions) { response in
                for try await _ in response.messages {}
            }
            return nil
        } catch let error as RPCError {
            return error.code
        } catch {
            return .unknown
        }
    }

    /// What the streams held open in ``concurrency()`` share with the test.
    final class Holds: Sendable {
        /// Streams that delivered their first chunk.
        let started = Atomic(0)
        /// Set when the streams may end.
        let released = Atomic(false)
    }
}
