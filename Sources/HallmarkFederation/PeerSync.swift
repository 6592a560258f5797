import Foundation
import GRPCCore
import HallmarkCore
import HallmarkMember
import HallmarkPKI
import HallmarkProtocol
import Logging
import ServiceLifecycle

/// Keeps this node in sync with one peer for as long as the node runs: a full anti-entropy round on
/// connect and then periodically, plus the peer's watch stream so that new checkpoints arrive within a
/// second; an unreachable peer is retried with capped exponential backoff and jitter.
public struct PeerSync: Service {
    let engine: SyncEngine
    let peer: PeerAddress
    let interval: Duration
    let lock: PullLock
    let offering: FederationServer?
    let logger: Logger
    /// The pauses before asking again for a head whose fetch the peer refused for now (see ``defaultRefusalPauses``).
    var refusalPauses = Self.defaultRefusalPauses

    /// A sync loop with `peer`; loops sharing `lock` never commit at the same time.
    /// - Parameter offering: When set, this node also offers its own logs to the peer over the connection it opens
    ///   (Protocol/PROTOCOL.md §4.5), answering the peer's requests within `offering`'s limits, so that the peer
    ///   learns from this node without dialling it. A peer that does not take offers is still pulled from.
    public init(
        engine: SyncEngine,
        peer: PeerAddress,
        interval: Duration = .seconds(30),
        lock: PullLock,
        offering: FederationServer? = nil,
        logger: Logger
    ) {
        self.engine = engine
        self.peer = peer
        self.interval = interval
        self.lock = lock
        self.offering = offering
        var logger = logger
        logger[metadataKey: "peer"] = "\(peer)"
        self.logger = logger
    }

    public func run() async throws {
        var failures = 0
        let clock = ContinuousClock()
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            let attempt = clock.now
            do {
                try await cancelWhenGracefulShutdown {
                    try await PeerConnection.with(
                        peer,
                        identity: engine.member.identity,
                        revocations: engine.revocations,
                        logger: logger
                    ) { connection in
                        var offer: (@Sendable () async throws -> Void)?
                        if let service = offering?.service {
                            offer = { try await self.offer(connection, service) }
                        }
                        try await follow(connection, offering: offer)
                    }
                }
            } catch {
                if Task.isCancelled || Task.isShuttingDownGracefully { break }
                engine.record(SyncReport(peer: peer), failure: SyncEngine.reason(error))
                // A connection that held for a while was a success: start the backoff afresh.
                failures = clock.now - attempt > .seconds(30) ? 1 : failures + 1
                let delay = Self.backoff(failures: failures)
                logger.warning(
                    "peer unreachable or refused; retrying",
                    metadata: ["error": "\(error)", "retry.seconds": "\(delay)"]
                )
                try? await Task.sleep(for: .milliseconds(Int(delay * 1000)))
            }
        }
    }

    /// Offers this node's logs over `connection` until it ends. A peer that does not take them (an older node, or one
    /// configured not to) is said once in the log, and pulling from it goes on.
    private func offer(_ connection: PeerConnection, _ service: FederationService) async throws {
        do {
            try await connection.offer(answering: service)
        } catch let error as RPCError where error.code == .permissionDenied || error.code == .unimplemented {
            logger.notice(
                "the peer does not take this node's logs over this connection",
                metadata: ["error": "\(error.message)"]
            )
            try await Task.sleep(for: .seconds(365 * 86_400))
        }
    }

    /// Syncs fully, then follows the peer's new checkpoints and syncs again every ``interval``; and runs `offering`
    /// beside, when given.
    func follow(_ connection: some LogSource, offering: (@Sendable () async throws -> Void)? = nil) async throws {
        // Watch first, so that nothing committed during the first round is missed.
        let (heads, continuation) = AsyncStream<Hallmark_V1_OriginHead>.makeStream(
            bufferingPolicy: .bufferingNewest(1024)
        )
        try await withThrowingTaskGroup(of: Void.self) { group in
            if let offering {
                group.addTask { try await offering() }
            }
            group.addTask {
                defer { continuation.finish() }
                try await connection.watch { continuation.yield($0) }
            }
            group.addTask {
                try await round(connection)
                while true {
                    try await Task.sleep(for: interval)
                    try await round(connection)
                }
            }
            group.addTask {
                var budget = HeadBudget()
                var skipped = 0
                // Per origin, how many times in a row the peer refused to serve its log for now.
                var refusals: [String: Int] = [:]
                try await withThrowingDiscardingTaskGroup { retries in
                    for await head in heads {
                        switch budget.decide() {
                        case .take: break
                        case .overRate, .backedOff:
                            // Left to the next anti-entropy round, which compares every head anyway.
                            skipped += 1
                            if skipped == 1 || skipped.isMultiple(of: 1_000) {
                                logger.notice(
                                    "a peer announces heads beyond this node's budget; the rest wait for the next round",
                                    metadata: ["heads.skipped": "\(skipped)"]
                                )
                            }
                            continue
                        }
                        let (report, outcome) = await take(head, from: connection)
                        record(report)
                        if case .connectionLost(let reason) = outcome {
                            throw HallmarkError(.peerProblem, "connection to \(peer) lost: \(reason)")
                        }
                        // A fetch the peer refused for now (its rate limits: an origin checkpointing faster than the
                        // peer serves it) comes back to this loop after a pause, rather than waiting for the next round
                        // up to `interval` away. Other origins' heads go on meanwhile; a newer head of the same origin
                        // taken first leaves the repeat nothing to fetch.
                        let attempt = refusals[head.origin, default: 0]
                        if case .refused = outcome, attempt < refusalPauses.count {
                            refusals[head.origin] = attempt + 1
                            let pause = refusalPauses[attempt]
                            retries.addTask {
                                try await Task.sleep(for: pause)
                                continuation.yield(head)
                            }
                        } else {
                            refusals[head.origin] = nil
                        }
                        if let until = budget.record(rejected: !report.rejected.isEmpty) {
                            logger.warning(
                                "backing off a peer whose announced logs fail: its heads are ignored for a while",
                                metadata: ["backoff.seconds": "\((until - .now).components.seconds)"]
                            )
                        }
                    }
                    throw HallmarkError(.notFound, "the peer ended its watch stream")
                }
            }
            try await group.next()
            group.cancelAll()
        }
    }

    /// The pauses before asking again for a head whose fetch the peer refused for now: long enough for a peer's rate
    /// limit to allow one more call (Protocol/PROTOCOL.md §5: this node's default is 2 a second per origin).
    static let defaultRefusalPauses: [Duration] = [.milliseconds(500), .seconds(1), .seconds(2)]

    /// Handles one announced head under the pull lock.
    private func take(
        _ head: Hallmark_V1_OriginHead,
        from connection: some LogSource
    ) async -> (SyncReport, SyncEngine.HeadOutcome) {
        await lock.run {
            var report = SyncReport(peer: peer)
            let outcome = await engine.take(head, from: connection, into: &report)
            if case .connectionLost(let reason) = outcome { report.interrupted = reason }
            return (report, outcome)
        }
    }

    private func round(_ connection: some LogSource) async throws {
        let (report, lost) = try await lock.run {
            let (pulled, lost) = try await engine.round(nil, from: connection)
            var report = pulled
            report.interrupted = lost?.reason
            return (report, lost)
        }
        record(report)
        if let lost { throw HallmarkError(.peerProblem, "connection to \(peer) lost: \(lost.reason)") }
    }

    /// Records what a sync did (``SyncEngine/record(_:failure:)``), and logs it when it did something.
    private func record(_ report: SyncReport) {
        engine.record(report)
        if report.totalFetched > 0 || !report.rejected.isEmpty {
            logger.info("synced", metadata: ["sync.report": "\(report)"])
        }
    }

    /// Seconds to wait after `failures` consecutive failures: doubling from 1 s, capped at 60 s, with ±20 % jitter.
    static func backoff(failures: Int) -> Double {
        let base = min(60, pow(2, Double(min(failures, 16) - 1)))
        return base * Double.random(in: 0.8...1.2)
    }
}

extension FederationServer: Service {
    /// Serves until the service group shuts down gracefully.
    public func run() async throws {
        try await withGracefulShutdownHandler {
            try await serve()
        } onGracefulShutdown: {
            self.shutDown()
        }
    }
}
