import GRPCCore
import HallmarkCore
import HallmarkMember
import Logging
import Metrics
import Synchronization

/// Bounds the FetchLog calls each peer makes of this node (Protocol/PROTOCOL.md §5): at most
/// ``ConnectionLimits/maximumFetchesPerPeer`` streams at once, calls at ``ConnectionLimits/fetchRatePerPeer``, and
/// calls for one origin's log at ``ConnectionLimits/fetchRatePerOrigin``. A call over a bound is answered
/// `RESOURCE_EXHAUSTED` before it reads the store, counted in `hallmark_federation_calls_refused_total{reason}`,
/// recorded on the ``RefusalBoard`` under the peer's member id, and logged (the first refusal of a kind to a peer,
/// then at every power of two, so that a flood does not flood the log).
///
/// When the last stream of all ends and none starts for ``idleDelay``, it calls `onIdle` (the node gives back the
/// memory the streams used: ``Member/releaseMemory()``), at most once per ``idleInterval``.
final class FetchGate: Sendable {
    /// Why a call was refused.
    enum Refusal: String {
        case concurrency = "fetch_concurrency"
        case peerRate = "fetch_rate"
        case originRate = "origin_fetch_rate"
    }

    private struct PeerOrigin: Hashable {
        var peer: MemberID
        var origin: MemberID
    }

    private struct State {
        var active: [MemberID: Int] = [:]
        /// Streams open, all peers together.
        var total = 0
        /// Counts the times ``total`` fell to zero, so that a pending idle call sees whether a stream came since.
        var idleSpells = 0
        var lastIdleCall: ContinuousClock.Instant?
        var peerBuckets: [MemberID: TokenBucket] = [:]
        var originBuckets: [PeerOrigin: TokenBucket] = [:]
    }

    /// Buckets kept before the full ones (idle peers and origins) are forgotten.
    private static let bucketsBeforePruning = 4_096
    /// How long no stream must be open before `onIdle` is called.
    static let idleDelay: Duration = .seconds(2)
    /// The shortest time between two calls of `onIdle`.
    static let idleInterval: Duration = .seconds(30)

    let limits: ConnectionLimits
    private let state = Mutex(State())
    private let refusals: RefusalBoard
    private let onIdle: @Sendable () -> Void
    private let logger: Logger
    private let factory: any MetricsFactory

    init(
        limits: ConnectionLimits,
        refusals: RefusalBoard,
        onIdle: @escaping @Sendable () -> Void = {},
        logger: Logger,
        factory: any MetricsFactory = MetricsSystem.factory
    ) {
        self.limits = limits
        self.refusals = refusals
        self.onIdle = onIdle
        self.logger = logger
        self.factory = factory
    }

    /// Runs `body`, one of `peer`'s FetchLog streams, when the peer is within its bounds.
    /// - Throws: `RPCError` `RESOURCE_EXHAUSTED` when it is not; what `body` throws.
    func fetch<T: Sendable>(by peer: MemberID, _ body: () async throws -> T) async throws -> T {
        if let refusal = enter(peer) { throw refuse(refusal, peer: peer) }
        defer { leave(peer) }
        return try await body()
    }

    /// Checks the rate of `peer`'s calls for `origin`'s log, once the origin is known to be held here.
    /// - Throws: `RPCError` `RESOURCE_EXHAUSTED` when it is over.
    func checkOriginRate(peer: MemberID, origin: MemberID) throws {
        let now = ContinuousClock.now
        let taken = state.withLock { state in
            let key = PeerOrigin(peer: peer, origin: origin)
            if state.originBuckets.count >= Self.bucketsBeforePruning {
                state.originBuckets = state.originBuckets.filter { !$0.value.isFull(now: now) }
            }
            var bucket = state.originBuckets[key] ?? Self.bucket(limits.fetchRatePerOrigin, now: now)
            let taken = bucket.take(now: now)
            state.originBuckets[key] = bucket
            return taken
        }
        if !taken { throw refuse(.originRate, peer: peer, origin: origin) }
    }

    private func enter(_ peer: MemberID) -> Refusal? {
        let now = ContinuousClock.now
        return state.withLock { state in
            if state.active[peer, default: 0] >= limits.maximumFetchesPerPeer { return .concurrency }
            if state.peerBuckets.count >= Self.bucketsBeforePruning {
                state.peerBuckets = state.peerBuckets.filter { !$0.value.isFull(now: now) }
            }
            var bucket = state.peerBuckets[peer] ?? Self.bucket(limits.fetchRatePerPeer, now: now)
            let taken = bucket.take(now: now)
            state.peerBuckets[peer] = bucket
            guard taken else { return .peerRate }
            state.active[peer, default: 0] += 1
            state.total += 1
            return nil
        }
    }

    private func leave(_ peer: MemberID) {
        let spell: Int? = state.withLock { state in
            state.active[peer, default: 1] -= 1
            if state.active[peer] == 0 { state.active[peer] = nil }
            state.total -= 1
            guard state.total == 0 else { return nil }
            state.idleSpells += 1
            return state.idleSpells
        }
        guard let spell else { return }
        Task { [self] in
            try? await Task.sleep(for: Self.idleDelay)
            let now = ContinuousClock.now
            let call = state.withLock { state in
                guard state.total == 0, state.idleSpells == spell else { return false }
                if let last = state.lastIdleCall, now - last < Self.idleInterval { return false }
                state.lastIdleCall = now
                return true
            }
            if call { onIdle() }
        }
    }

    private static func bucket(_ rate: CallRate, now: ContinuousClock.Instant) -> TokenBucket {
        TokenBucket(rate: rate.perSecond, burst: Double(rate.burst), now: now)
    }

    private func refuse(_ refusal: Refusal, peer: MemberID, origin: MemberID? = nil) -> RPCError {
        let reason: String
        switch refusal {
        case .concurrency:
            reason = "FetchLog over \(limits.maximumFetchesPerPeer) streams at once"
        case .peerRate:
            reason = "FetchLog over \(limits.fetchRatePerPeer)"
        case .originRate:
            reason = "FetchLog of one origin over \(limits.fetchRatePerOrigin)"
        }
        Counter(
            label: "hallmark_federation_calls_refused_total",
            dimensions: [("reason", refusal.rawValue)],
            factory: factory
        ).increment()
        let count = refusals.record(from: peer.rawValue, reason: reason)
        if count.nonzeroBitCount == 1 {
            var metadata: Logger.Metadata = ["peer": "\(peer)", "refusals": "\(count)"]
            if let origin { metadata["log.origin"] = "\(origin)" }
            logger.warning("refused a call: \(reason)", metadata: metadata)
        }
        return RPCError(code: .resourceExhausted, message: "\(reason); retry later")
    }
}
