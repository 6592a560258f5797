import GRPCCore
import HallmarkCore
import HallmarkProtocol
import Synchronization

/// The server's side of an Offer call (Protocol/PROTOCOL.md §4.5): a member that dialled this node offers its logs
/// over the call, and this node pulls them as from any peer — its requests go out on the call's response stream,
/// the member's answers and announced heads come back on its request stream.
///
/// Chunks are handed to the fetch that asked for them as they are read, so a slow commit here slows the member's
/// sending (gRPC's flow control) rather than piling chunks up in memory.
final class OfferLink: LogSource {
    let address: PeerAddress
    private let writer: RPCWriter<Hallmark_V1_OfferRequest>
    private let state = Mutex(State())
    private let announced: AsyncStream<Hallmark_V1_OriginHead>
    private let announce: AsyncStream<Hallmark_V1_OriginHead>.Continuation
    /// Requests to send, written one at a time by ``send()``; this node has at most a few in flight.
    private let outbox: AsyncStream<Hallmark_V1_OfferRequest>
    private let post: AsyncStream<Hallmark_V1_OfferRequest>.Continuation

    private struct State {
        var nextID: UInt64 = 1
        var pending: [UInt64: Pending] = [:]
        var ended: (any Error)?
    }

    private enum Pending {
        case heads(CheckedContinuation<Hallmark_V1_GetHeadsResponse, any Error>)
        case fetch(Fetch)

        /// Ends the wait with `error`.
        func fail(_ error: any Error) {
            switch self {
            case .heads(let continuation): continuation.resume(throwing: error)
            case .fetch(let fetch): fetch.done.resume(throwing: error)
            }
        }
    }

    /// A FetchLog request in flight: where its chunks go, and how it ends.
    private final class Fetch: Sendable {
        let onChunk: @Sendable (Hallmark_V1_LogChunk) async throws -> Void
        let waiting: PeerWait
        let done: CheckedContinuation<Void, any Error>

        init(
            onChunk: @escaping @Sendable (Hallmark_V1_LogChunk) async throws -> Void,
            waiting: PeerWait,
            done: CheckedContinuation<Void, any Error>
        ) {
            self.onChunk = onChunk
            self.waiting = waiting
            self.done = done
        }
    }

    /// What the end of the member's announcements waits for before the link is done with (``watch(onHead:)``).
    private let drain: @Sendable () async -> Void

    /// A link over the call whose responses `writer` writes. When the member ends its stream, the link is done with
    /// once `drain` returns: the commit under way of what the member sent is let finish.
    init(
        address: PeerAddress,
        writer: RPCWriter<Hallmark_V1_OfferRequest>,
        drain: @escaping @Sendable () async -> Void = {}
    ) {
        self.address = address
        self.writer = writer
        self.drain = drain
        // A member announcing faster than this node takes heads loses the oldest; the next round compares them all.
        (announced, announce) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1024))
        (outbox, post) = AsyncStream.makeStream()
    }

    /// Writes this node's requests to the member, in order, until the link ends.
    func send() async throws {
        for await request in outbox { try await writer.write(request) }
    }

    /// Reads the member's messages until its stream ends, handing each to what waits for it. Everything still
    /// waiting then fails as `UNAVAILABLE`, as a dropped connection would.
    /// - Throws: `INVALID_ARGUMENT` for a message that breaks §4.5 (an answer to no request, a head with an id).
    func receive(_ messages: RPCAsyncSequence<Hallmark_V1_OfferMessage, any Error>) async throws {
        do {
            for try await message in messages { try await handle(message) }
            end(RPCError(code: .unavailable, message: "\(address.member) ended its Offer call"))
        } catch {
            end(error)
            throw error
        }
    }

    private func handle(_ message: Hallmark_V1_OfferMessage) async throws {
        switch message.message {
        case .head(let head):
            guard message.id == 0 else { throw violation("a head carries request id \(message.id); heads carry 0") }
            announce.yield(head)
        case .heads(let response):
            switch try take(message.id, "heads") {
            case .heads(let continuation)?: continuation.resume(returning: response)
            case .fetch(let fetch)?:
                fetch.done.resume(throwing: violation("request \(message.id) is a FetchLog, answered with heads"))
            case nil: break
            }
        case .chunk(let chunk):
            guard let fetch = try fetch(message.id) else { return }
            fetch.waiting.since = nil
            do {
                try await fetch.onChunk(chunk)
                fetch.waiting.since = .now
            } catch {
                // This answer is done with (its later chunks are dropped); the member's stream goes on.
                if try take(message.id, "chunk") != nil { fetch.done.resume(throwing: error) }
            }
        case .end(let end):
            guard let pending = try take(message.id, "end") else { return }
            guard case .fetch(let fetch) = pending else {
                if case .heads(let continuation) = pending {
                    continuation.resume(throwing: violation("request \(message.id) is a GetHeads, answered with end"))
                }
                return
            }
            if let error = end.error {
                fetch.done.resume(throwing: error)
            } else {
                fetch.done.resume()
            }
        case nil:
            throw violation("a message with nothing in it")
        }
    }

    /// The fetch request `id` is for, if it still waits; throws for an id never sent.
    private func fetch(_ id: UInt64) throws -> Fetch? {
        try state.withLock { state in
            guard id != 0, id < state.nextID else { throw violation("a chunk answers request \(id), never sent") }
            guard case .fetch(let fetch)? = state.pending[id] else { return nil }
            return fetch
        }
    }

    /// Removes and returns what waits for request `id`; `nil` for one given up on (a fetch that failed or stalled).
    private func take(_ id: UInt64, _ what: String) throws -> Pending? {
        try state.withLock { state in
            guard id != 0, id < state.nextID else { throw violation("\(what) answers request \(id), never sent") }
            return state.pending.removeValue(forKey: id)
        }
    }

    private func violation(_ what: String) -> RPCError {
        RPCError(code: .invalidArgument, message: "Offer call of \(address.member): \(what) (PROTOCOL.md §4.5)")
    }

    /// Fails everything waiting, and whatever asks from now on, with `error`.
    private func end(_ error: any Error) {
        let pending = state.withLock { state in
            state.ended = state.ended ?? error
            defer { state.pending = [:] }
            return state.pending.values
        }
        for waiting in pending { waiting.fail(error) }
        announce.finish()
        post.finish()
    }

    /// Sends `request` under a new id, with `pending` waiting for its answer; fails `pending` at once when the call
    /// has ended. The request's id, or 0 when it was not sent.
    private func ask(_ pending: Pending, _ request: Hallmark_V1_OfferRequest.OneOf_Request) -> UInt64 {
        let sent: Result<UInt64, any Error> = state.withLock { state in
            if let ended = state.ended { return .failure(ended) }
            defer { state.nextID += 1 }
            state.pending[state.nextID] = pending
            return .success(state.nextID)
        }
        switch sent {
        case .failure(let error):
            pending.fail(error)
            return 0
        case .success(let id):
            var message = Hallmark_V1_OfferRequest()
            message.id = id
            message.request = request
            post.yield(message)
            return id
        }
    }

    /// Gives up on request `id` (cancelled, or its fetch stalled): its late answers are dropped.
    private func abandon(_ id: UInt64) {
        state.withLock { $0.pending.removeValue(forKey: id) }?.fail(CancellationError())
    }

    func heads() async throws -> Hallmark_V1_GetHeadsResponse {
        var request = Hallmark_V1_GetHeadsRequest()
        request.protocolVersion = FederationLimits.protocolVersion
        let id = Mutex<UInt64>(0)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let sent = ask(.heads(continuation), .getHeads(request))
                id.withLock { $0 = sent }
            }
        } onCancel: {
            abandon(id.withLock { $0 })
        }
    }

    func fetch(
        origin: MemberID,
        start: UInt64,
        treeSize: UInt64,
        idleTimeout: Duration,
        onChunk: @escaping @Sendable (Hallmark_V1_LogChunk) async throws -> Void
    ) async throws {
        let request = Hallmark_V1_FetchLogRequest(origin: origin, start: start, treeSize: treeSize)
        try await PeerWait.run(idleTimeout: idleTimeout, fetching: origin) { [self] waiting in
            let id = Mutex<UInt64>(0)
            try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
                    let fetch = Fetch(onChunk: onChunk, waiting: waiting, done: done)
                    let sent = ask(.fetch(fetch), .fetchLog(request))
                    id.withLock { $0 = sent }
                }
            } onCancel: {
                abandon(id.withLock { $0 })
            }
        }
    }

    func watch(onHead: @escaping @Sendable (Hallmark_V1_OriginHead) async throws -> Void) async throws {
        for await head in announced { try await onHead(head) }
        await drain()
    }
}
