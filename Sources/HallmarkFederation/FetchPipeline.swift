import HallmarkCore
import HallmarkProtocol
import HallmarkRecords

/// The chunks of one fetch on their way from the peer to the store: each is decoded and verified against the signed
/// checkpoint as it arrives (Protocol/PROTOCOL.md §3.2 steps 1–5), while the chunks verified before it commit.
///
/// Bounded: the stream waits while ``capacity`` verified entries wait for their commit, so a peer faster than the
/// store never fills memory. The commit takes every verified chunk waiting (up to
/// ``SyncEngine/maximumEntriesPerCommit``) in one transaction. Only verified chunks are ever taken, and each whole;
/// a chunk that fails verification is never queued, and those before it still commit.
actor FetchPipeline {
    /// Verified entries that may wait for their commit before the stream waits.
    static let capacity = SyncEngine.maximumEntriesPerCommit

    /// The log fetched.
    let origin: MemberID
    /// The signed checkpoint every chunk must prove itself against; its signature is already verified.
    let checkpoint: Checkpoint
    /// The first index fetched: the size of the log held.
    let start: UInt64
    /// The peer the chunks come from.
    let receivedFrom: MemberID

    /// The log as held plus the chunks verified so far.
    private var frontier: MerkleFrontier
    private var verified: [LogBatch] = []
    private var waitingEntries = 0
    private var finished = false
    private var failure: (any Error)?
    private var consumer: CheckedContinuation<Void, Never>?
    private var producer: CheckedContinuation<Void, Never>?

    /// A pipeline for `origin`'s log from the end of what is held (`frontier`) up to `checkpoint`.
    init(origin: MemberID, checkpoint: Checkpoint, frontier: MerkleFrontier, receivedFrom: MemberID) {
        self.origin = origin
        self.checkpoint = checkpoint
        self.start = frontier.size
        self.frontier = frontier
        self.receivedFrom = receivedFrom
    }

    /// The index the next chunk must start at.
    var next: UInt64 { frontier.size }

    /// Decodes and verifies the next chunk of the stream and queues it for commit, waiting while the queue is full.
    /// - Throws: ``HallmarkError`` naming what does not verify (nothing of the chunk is queued then), or the error
    ///   that stopped the commits.
    nonisolated func verify(_ chunk: Hallmark_V1_LogChunk) async throws {
        // Only the stream calls this, one chunk after the other: decoding and hashing run off the actor.
        let held = await frontier
        let checked = try ChunkCheck(chunk, origin: origin, expected: checkpoint, next: held.size)
        let batch = LogBatch(
            origin: origin,
            items: checked.items,
            checkpoint: checkpoint,
            receivedFrom: receivedFrom,
            rightSubtrees: checked.rightSubtrees
        )
        try await queue(batch, extending: try batch.extending(held))
    }

    private func queue(_ batch: LogBatch, extending extended: MerkleFrontier) async throws {
        if let failure { throw failure }
        frontier = extended
        verified.append(batch)
        waitingEntries += batch.items.count
        consumer?.resume()
        consumer = nil
        while waitingEntries >= Self.capacity, failure == nil {
            await withCheckedContinuation { producer = $0 }
        }
        if let failure { throw failure }
    }

    /// The verified chunks waiting, oldest first, as many as one commit takes; waits for one when none is.
    /// - Returns: `nil` once the stream has ended and every verified chunk has been taken.
    func take() async -> [LogBatch]? {
        while verified.isEmpty, !finished {
            await withCheckedContinuation { consumer = $0 }
        }
        guard !verified.isEmpty else { return nil }
        var count = 0
        var taken = 0
        for batch in verified {
            guard taken == 0 || count + batch.items.count <= SyncEngine.maximumEntriesPerCommit else { break }
            count += batch.items.count
            taken += 1
        }
        let batches = Array(verified.prefix(taken))
        verified.removeFirst(taken)
        waitingEntries -= count
        producer?.resume()
        producer = nil
        return batches
    }

    /// The stream has ended (completely or not): ``take()`` returns what is left, then `nil`.
    func finish() {
        finished = true
        consumer?.resume()
        consumer = nil
    }

    /// A commit failed: the stream stops with `error` and nothing more is committed.
    func fail(_ error: any Error) {
        failure = error
        verified.removeAll()
        waitingEntries = 0
        producer?.resume()
        producer = nil
    }
}
