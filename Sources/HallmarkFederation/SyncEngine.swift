import Foundation
import GRPCCore
import HallmarkCore
import HallmarkMember
import HallmarkPKI
import HallmarkProtocol
import HallmarkRecords
import Logging

/// Pull-based anti-entropy with peers (Protocol/PROTOCOL.md §4): compare version vectors, fetch what is
/// missing chunk by chunk, verify each chunk against its origin's signed checkpoint, commit it.
///
/// A head or chunk that fails verification is rejected whole and reported in the ``SyncReport``, counted against
/// the peer in the store (``HallmarkStore/peerRejections()``), and the round goes on with the next origin. A
/// checkpoint that contradicts the log held proves equivocation: the member layer keeps the evidence and quarantines
/// the origin.
public struct SyncEngine: Sendable {
    let member: Member
    let revocations: @Sendable () -> RevocationList?
    let fetchIdleTimeout: Duration
    let logger: Logger
    let metrics = FederationMetrics()

    /// The most entries of a fetch committed in one transaction: every verified chunk waiting, up to this. A commit
    /// costs about as much as the pages it dirties, and entries land at random places in the two indexes keyed by
    /// digest, so fewer, larger commits write far less. A killed sync still leaves whole chunks. Chosen by measurement
    /// (a cold `hallmark sync` of 1 M entries, BENCHMARKS.md): 16 384 took 21.1–23.4 s with 187 MB resident, 65 536
    /// 15.2–15.6 s with 242–265 MB, 131 072 14.9 s with 327 MB (the fetch holds up to twice this many entries).
    public static let maximumEntriesPerCommit = 65_536

    /// Syncs into `member`'s store.
    /// - Parameters:
    ///   - revocations: A source of the alliance's revocation list; the newer of it and the member's own list
    ///     (``Member/revocations``) applies, and a newer one is adopted by the member.
    ///   - fetchIdleTimeout: How long a fetch waits for a peer's next chunk before it rejects the peer's log as stalled.
    public init(
        member: Member,
        revocations: @escaping @Sendable () -> RevocationList? = { nil },
        fetchIdleTimeout: Duration = FederationLimits.defaultFetchIdleTimeout,
        logger: Logger
    ) {
        self.member = member
        self.revocations = revocations
        self.fetchIdleTimeout = fetchIdleTimeout
        self.logger = logger
    }

    /// One round with one peer: connect, compare heads, fetch and commit everything missing.
    ///
    /// A call that fails as `UNAVAILABLE` (the connection dropped) is retried once on a new connection, with the
    /// heads not yet handled (Protocol/PROTOCOL.md §4.1); after a second loss the rest waits for the next round
    /// (``SyncReport/interrupted``).
    /// - Throws: When the peer cannot be reached or refuses us; a log that fails verification is reported in
    ///   the ``SyncReport`` instead, and the rest of the round goes on.
    public func syncOnce(with peer: PeerAddress) async throws -> SyncReport {
        if let list = revocations() { member.useRevocationList(list) }
        var report = SyncReport(peer: peer)
        var remaining: [Hallmark_V1_OriginHead]?
        for attempt in 1...2 {
            let (partial, left): (SyncReport, (heads: [Hallmark_V1_OriginHead], reason: String)?)
            do {
                (partial, left) = try await PeerConnection.with(
                    peer,
                    identity: member.identity,
                    revocations: { [member] in member.revocations },
                    logger: logger
                ) { connection in
                    try await round(remaining, from: connection)
                }
            } catch {
                record(report, failure: Self.reason(error))
                throw error
            }
            report.merge(partial)
            guard let left else { break }
            remaining = left.heads
            logger.warning(
                attempt == 1
                    ? "lost the connection to a peer; reconnecting for the rest of the round"
                    : "lost the connection to a peer again; the rest waits for the next round",
                metadata: ["peer": "\(peer)", "error": "\(left.reason)"]
            )
            if attempt == 2 { report.interrupted = left.reason }
        }
        record(report)
        return report
    }

    /// Records how a sync with a peer ended, in the metrics and in the member's ``PeerSyncBoard``.
    /// - Parameters:
    ///   - report: What it did.
    ///   - failure: Why it failed, when the peer could not be reached or refused this node.
    func record(_ report: SyncReport, failure: String? = nil) {
        let outcome: PeerSyncStatus.Outcome
        let detail: String?
        if let failure {
            (outcome, detail) = (.unreachable, failure)
        } else if let interrupted = report.interrupted {
            (outcome, detail) = (.interrupted, interrupted)
        } else if let rejection = report.rejected.first {
            (outcome, detail) = (.rejected, "\(rejection.origin): \(rejection.reason)")
        } else {
            (outcome, detail) = (.ok, nil)
        }
        let status = member.peerSyncs.record(
            PeerSyncStatus(
                lastSync: .now(),
                outcome: outcome,
                detail: detail,
                entriesFetched: report.totalFetched,
                lagByOrigin: report.lagByOrigin
            ),
            for: report.peer.member
        )
        metrics.record(report, status: status)
    }

    /// A round: takes `given` heads in order — when `nil`, every head the peer offers — until the connection drops.
    /// - Returns: The report, and the heads left from the one whose call failed as `UNAVAILABLE`, with why.
    func round(
        _ given: [Hallmark_V1_OriginHead]?,
        from connection: some LogSource
    ) async throws -> (SyncReport, (heads: [Hallmark_V1_OriginHead], reason: String)?) {
        var report = SyncReport(peer: connection.address)
        let heads: [Hallmark_V1_OriginHead]
        if let given {
            heads = given
        } else {
            guard let offered = try await offeredHeads(from: connection, into: &report) else { return (report, nil) }
            heads = offered
        }
        for (position, head) in heads.enumerated() {
            switch await take(head, from: connection, into: &report) {
            case .handled, .refused:
                // A peer whose heads keep failing gets no more of this node's time this round.
                guard report.rejected.count >= FederationLimits.maximumRejectedHeadsPerRound else { continue }
                report.interrupted =
                    "\(report.rejected.count) of the peer's heads were rejected; the other "
                    + "\(heads.count - position - 1) wait for the next round"
                return (report, nil)
            case .connectionLost(let reason): return (report, (Array(heads[position...]), reason))
            case .stopped: return (report, nil)
            }
        }
        return (report, nil)
    }

    /// The heads the peer offers, or `nil` when its answer is over the limits: then it is rejected whole, counted
    /// against the peer and reported, as bad data is.
    private func offeredHeads(
        from connection: some LogSource,
        into report: inout SyncReport
    ) async throws -> [Hallmark_V1_OriginHead]? {
        let peer = connection.address.member
        let reason: String
        do {
            let heads = try await connection.heads().heads
            guard heads.count > FederationLimits.maximumHeadsPerAnswer else { return heads }
            reason =
                "the peer offers \(heads.count) heads in one GetHeads answer; at most "
                + "\(FederationLimits.maximumHeadsPerAnswer) are taken"
        } catch let error as RPCError where Self.isOversized(error) {
            reason = "the peer's GetHeads answer is over the limits: \(error.message)"
        }
        report.rejected.append(SyncReport.Rejection(origin: Self.headsOrigin, reason: reason, code: .malformed))
        await member.recordRejection(from: peer, origin: Self.headsOrigin, reason: reason)
        logger.error("rejected a peer's heads", metadata: ["peer": "\(connection.address)", "error": "\(reason)"])
        return nil
    }

    /// Whether a call failed because the peer's answer was over the message size limit: grpc-swift reports it as
    /// `INTERNAL` ("Failed to decode message") carrying the `resourceExhausted` cause in its message.
    static func isOversized(_ error: RPCError) -> Bool {
        error.code == .resourceExhausted || error.message.contains("exceeded the configured maximum payload size")
    }

    /// What a rejection of a peer's whole GetHeads answer names in place of an origin.
    static let headsOrigin = "(heads)"

    /// How handling one head ended.
    enum HeadOutcome {
        /// Fetched, had nothing new, or rejected (in the report).
        case handled
        /// The peer refused the fetch for now (its rate or concurrency limits; in the report as interrupted): asking
        /// again shortly may succeed.
        case refused
        /// The call failed as `UNAVAILABLE`: the connection, not the data, is at fault; nothing was reported.
        case connectionLost(String)
        /// This node's task was cancelled (it is stopping): nothing was reported against the peer.
        case stopped
    }

    /// Whether `error` is this task's cancellation (the node stopping) rather than anything the peer did.
    static func isCancellation(_ error: any Error) -> Bool {
        Task.isCancelled || error is CancellationError || (error as? RPCError)?.code == .cancelled
    }

    /// An origin's head: fetches what it holds beyond this node and keeps the cosignatures it carries; failures go
    /// into `report`, and so does what this node still lacks of the head's log afterwards (``SyncReport/lagByOrigin``).
    @discardableResult
    func take(
        _ head: Hallmark_V1_OriginHead,
        from connection: some LogSource,
        into report: inout SyncReport
    ) async -> HeadOutcome {
        let outcome = await fetch(head, from: connection, into: &report)
        guard case .handled = outcome else { return outcome }
        // After the fetch (the checkpoint is held now) or the equivocation found (it is evidence now).
        await receiveCosignatures(of: head, from: connection.address.member)
        if let lag = try? await lag(head) { report.lagByOrigin[lag.origin] = lag.entries }
        return outcome
    }

    /// Keeps the valid cosignatures a head carries, of a checkpoint this node holds in its log or as equivocation
    /// evidence (Protocol/PROTOCOL.md §4.2 step 6). A bad cosignature is ignored and recorded against the peer; it
    /// never fails the head.
    private func receiveCosignatures(of head: Hallmark_V1_OriginHead, from peer: MemberID) async {
        guard !head.cosignatures.isEmpty, let checkpoint = try? Checkpoint(decoding: head.checkpoint),
            checkpoint.origin.rawValue == head.origin
        else { return }
        func refuse(_ count: Int, _ reason: String) async {
            logger.warning(
                "ignored a peer's cosignatures",
                metadata: ["peer": "\(peer)", "log.origin": "\(head.origin)", "error": "\(reason)"]
            )
            await member.recordRejectedCosignatures(count, from: peer, origin: head.origin, reason: reason)
        }
        guard head.cosignatures.count <= FederationLimits.maximumCosignaturesPerHead else {
            await refuse(
                head.cosignatures.count,
                "the head of \(head.origin) carries \(head.cosignatures.count) cosignatures; at most "
                    + "\(FederationLimits.maximumCosignaturesPerHead) are allowed"
            )
            return
        }
        var offered: [OfferedCosignature] = []
        for cosignature in head.cosignatures {
            guard cosignature.certificateDer.count <= FederationLimits.maximumCertificateBytes else {
                await refuse(
                    1,
                    "the certificate of cosigner '\(cosignature.cosigner.prefix(63))' is \(cosignature.certificateDer.count) "
                        + "bytes; at most \(FederationLimits.maximumCertificateBytes) are allowed"
                )
                continue
            }
            offered.append(
                OfferedCosignature(
                    cosigner: cosignature.cosigner,
                    seconds: cosignature.time,
                    signature: Array(cosignature.signature),
                    certificateDER: Array(cosignature.certificateDer)
                )
            )
        }
        do {
            let receipt = try await member.receiveCosignatures(offered, of: checkpoint, from: peer)
            if receipt.kept > 0 {
                logger.debug(
                    "kept a peer's cosignatures",
                    metadata: ["peer": "\(peer)", "checkpoint": "\(checkpoint)", "cosignatures": "\(receipt.kept)"]
                )
            }
        } catch {
            logger.error(
                "cannot keep a peer's cosignatures",
                metadata: ["peer": "\(peer)", "log.origin": "\(head.origin)", "error": "\(Self.reason(error))"]
            )
        }
    }

    /// A fetch of what `head` holds beyond this node, its failure classified: the connection's (retried), this node's
    /// own stop or quarantine (not the peer's fault), or the peer's data (rejected and recorded against the peer).
    private func fetch(
        _ head: Hallmark_V1_OriginHead,
        from connection: some LogSource,
        into report: inout SyncReport
    ) async -> HeadOutcome {
        let peer = connection.address.member
        // Chunks committed before a failure stay, and the next round resumes after them: count them either way.
        let committed = CommitTally()
        func countCommitted() async -> Int {
            let count = await committed.count
            if count > 0, let origin = try? MemberID(head.origin) { report.fetched[origin, default: 0] += count }
            report.batches += await committed.batches
            return count
        }
        do {
            try await fetchBeyondHeld(head, from: connection, committed: committed)
            _ = await countCommitted()
        } catch {
            let kept = await countCommitted()
            let hallmarkError = error as? HallmarkError
            let reason = Self.reason(error)
            if Self.isCancellation(error) {
                // This node is stopping: not the peer's fault, and what was committed stays.
                report.interrupted =
                    "this node stopped during the fetch of \(head.origin), after \(kept) entries verified and "
                    + "committed (the next round resumes after them)"
                logger.info(
                    "sync stopped: this node is shutting down",
                    metadata: [
                        "peer": "\(connection.address)", "log.origin": "\(head.origin)", "log.fetched": "\(kept)",
                    ]
                )
                return .stopped
            }
            if let rpcError = error as? RPCError, rpcError.code == .unavailable {
                return .connectionLost(reason)
            }
            if let rpcError = error as? RPCError, rpcError.code == .resourceExhausted,
                !rpcError.message.contains("exceeded the configured maximum payload size")
            {
                // The peer refused the fetch for now (its rate or concurrency limits): not a fault of its log.
                report.interrupted =
                    "the peer refused the fetch of \(head.origin) for now, after \(kept) entries (asked again shortly, "
                    + "or in the next round): \(rpcError.message)"
                return .refused
            }
            if kept > 0 {
                report.interrupted =
                    "the fetch of \(head.origin) stopped after \(kept) entries, which are verified and committed "
                    + "(the next round resumes after them): \(reason)"
            }
            if let origin = try? MemberID(head.origin), hallmarkError?.code == .notPermitted,
                (try? await member.quarantine(of: origin)) != nil
            {
                // Not the peer's fault: this node refuses the origin until an operator clears it.
                report.quarantined.append(origin)
                logger.debug("skipped a quarantined origin", metadata: ["peer": "\(peer)", "log.origin": "\(origin)"])
                return .handled
            }
            report.rejected.append(SyncReport.Rejection(origin: head.origin, reason: reason, code: hallmarkError?.code))
            // An equivocation is the origin's doing, not the relay's; the member layer keeps its evidence.
            guard hallmarkError?.code != .equivocation else { return .handled }
            await member.recordRejection(from: peer, origin: head.origin, reason: reason)
            logger.error(
                "rejected a peer's log",
                metadata: ["peer": "\(connection.address)", "log.origin": "\(head.origin)", "error": "\(reason)"]
            )
        }
        return .handled
    }

    /// Entries of the head's log that the peer offers and this node lacks; `nil` for a head that does not decode.
    private func lag(_ head: Hallmark_V1_OriginHead) async throws -> (origin: MemberID, entries: UInt64) {
        let origin = try MemberID(head.origin)
        let offered = try Checkpoint(decoding: head.checkpoint).treeSize
        let held = try await member.logHead(of: origin)?.treeSize ?? 0
        return (origin, offered > held ? offered - held : 0)
    }

    /// What went wrong, for people: a ``HallmarkError``'s description, or which call failed and how.
    static func reason(_ error: any Error) -> String {
        if let error = error as? HallmarkError { return error.description }
        if let error = error as? RPCError { return "the peer's call failed: \(error.code): \(error.message)" }
        return "\(error)"
    }

    /// Fetches and commits what `head` holds beyond this node, adding what it commits to `committed` as it goes.
    private func fetchBeyondHeld(
        _ head: Hallmark_V1_OriginHead,
        from connection: some LogSource,
        committed: CommitTally
    ) async throws {
        let peer = connection.address.member
        let check = try HeadCheck(head)
        let (origin, checkpoint, certificatePEM) = (check.origin, check.checkpoint, check.certificatePEM)
        guard try await member.checkOffered(checkpoint, originCertificatePEM: certificatePEM, from: peer) else {
            return
        }
        let held = try await member.logHead(of: origin)
        let start = held?.treeSize ?? 0
        let pipeline = FetchPipeline(
            origin: origin,
            checkpoint: checkpoint,
            frontier: held?.frontier ?? MerkleFrontier(),
            receivedFrom: peer
        )
        do {
            try await streamAndCommit(
                from: connection,
                into: pipeline,
                originCertificatePEM: certificatePEM,
                committed: committed
            )
        } catch let error as HallmarkError where error.code == .proofMismatch && start > 0 {
            // The chunk failed against a correctly signed checkpoint: bad data, or a log that does not extend ours.
            if let fork = try await diagnoseFork(
                of: checkpoint,
                certificatePEM: certificatePEM,
                from: connection
            ) {
                throw fork
            }
            throw error
        }
        let sent = await pipeline.next - start
        guard sent == checkpoint.treeSize - start else {
            throw HallmarkError(
                .malformed,
                "the peer sent \(sent) of the \(checkpoint.treeSize - start) entries of \(origin) it advertised"
            )
        }
        let fetched = await committed.count
        logger.info(
            "fetched log entries",
            metadata: ["peer": "\(connection.address)", "log.origin": "\(origin)", "log.fetched": "\(fetched)"]
        )
    }

    /// Streams the pipeline's range from the peer while committing what it has verified: the next chunks are
    /// received, decoded and verified while the previous ones commit, and the commit takes every verified chunk
    /// waiting, in one transaction. A chunk that fails verification ends the fetch; the chunks verified before it
    /// are still committed, each whole.
    private func streamAndCommit(
        from connection: some LogSource,
        into pipeline: FetchPipeline,
        originCertificatePEM: String,
        committed: CommitTally
    ) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { [member] in
                while let batches = await pipeline.take() {
                    do {
                        let outcome = try await member.receive(
                            contentsOf: batches,
                            originCertificatePEM: originCertificatePEM
                        )
                        await committed.add(outcome.appended, batches: batches.count)
                    } catch {
                        await pipeline.fail(error)
                        throw error
                    }
                }
            }
            var received: (any Error)?
            do {
                try await connection.fetch(
                    origin: pipeline.origin,
                    start: pipeline.start,
                    treeSize: pipeline.checkpoint.treeSize,
                    idleTimeout: fetchIdleTimeout
                ) { chunk in
                    try await pipeline.verify(chunk)
                }
            } catch {
                received = error
            }
            await pipeline.finish()
            // A failed commit is the first cause: it is what stopped the stream.
            try await group.waitForAll()
            if let received { throw received }
        }
    }

    /// Fetches the peer's whole log of the checkpoint's origin up to it, verifying every chunk in memory; when it
    /// verifies but differs from the log held at the size of this node's latest checkpoint, that is equivocation
    /// (Protocol/PROTOCOL.md §4.2.5), returned as the error to report. `nil` when the peer's data was at fault.
    private func diagnoseFork(
        of checkpoint: Checkpoint,
        certificatePEM: String,
        from connection: some LogSource
    ) async throws -> HallmarkError? {
        let origin = checkpoint.origin
        guard let ours = try await member.latestCheckpoint(of: origin), ours.treeSize < checkpoint.treeSize
        else { return nil }
        let replay = ForkReplay(mark: ours.treeSize)
        do {
            try await connection.fetch(
                origin: origin,
                start: 0,
                treeSize: checkpoint.treeSize,
                idleTimeout: fetchIdleTimeout
            ) { chunk in
                let next = await replay.next
                let checked = try ChunkCheck(chunk, origin: origin, expected: checkpoint, next: next)
                try await replay.append(checked, provingAgainst: checkpoint)
            }
        } catch {
            logger.debug(
                "the peer's whole log does not verify either; its data is at fault",
                metadata: ["log.origin": "\(origin)", "error": "\(Self.reason(error))"]
            )
            return nil
        }
        guard await replay.next == checkpoint.treeSize, let theirs = await replay.rootAtMark,
            theirs != ours.rootHash
        else { return nil }
        return try await member.equivocationFound(
            offered: checkpoint,
            held: ours,
            originCertificatePEM: certificatePEM,
            from: connection.address.member,
            why: "covers a log whose root at size \(ours.treeSize) is \(theirs.hex), not the \(ours.rootHash.hex) "
                + "of the checkpoint held here"
        )
    }
}

/// A peer's whole log replayed in memory, each chunk proven against the checkpoint, noting its root at `mark`.
private actor ForkReplay {
    let mark: UInt64
    private var frontier = MerkleFrontier()
    private(set) var rootAtMark: Hash256?

    init(mark: UInt64) { self.mark = mark }

    var next: UInt64 { frontier.size }

    func append(_ chunk: ChunkCheck, provingAgainst checkpoint: Checkpoint) throws {
        var extended = frontier
        for item in chunk.items {
            extended.append(MerkleHash.leaf(item.bytes))
            if extended.size == mark { rootAtMark = extended.root }
        }
        guard
            try extended.root(extendedTo: checkpoint.treeSize, withSubtrees: chunk.rightSubtrees)
                == checkpoint.rootHash
        else {
            throw HallmarkError(
                .proofMismatch,
                "entries \(chunk.firstIndex)..<\(extended.size) of \(checkpoint.origin) do not hash to \(checkpoint)"
            )
        }
        frontier = extended
    }
}
