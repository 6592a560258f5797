import GRPCCore
import HallmarkCore
import HallmarkProtocol
import Synchronization

/// Where the sync engine pulls a peer's logs from: a connection this node opened to the peer (``PeerConnection``),
/// or an Offer call the peer opened to this node (``OfferLink``, Protocol/PROTOCOL.md §4.5). Both carry the same
/// messages, and everything that arrives through either is checked the same way.
protocol LogSource: Sendable {
    /// The peer: the member its certificate names, and where it is.
    var address: PeerAddress { get }

    /// The peer's version vector.
    func heads() async throws -> Hallmark_V1_GetHeadsResponse

    /// Streams `origin`'s entries `[start, treeSize)` to `onChunk`, chunk by chunk.
    /// - Parameter idleTimeout: How long to wait for the peer's next chunk; the time `onChunk` takes does not count.
    /// - Throws: ``HallmarkError`` `peer-problem` when the peer sends nothing for `idleTimeout`.
    func fetch(
        origin: MemberID,
        start: UInt64,
        treeSize: UInt64,
        idleTimeout: Duration,
        onChunk: @escaping @Sendable (Hallmark_V1_LogChunk) async throws -> Void
    ) async throws

    /// Calls `onHead` with each checkpoint the peer announces, until the peer stops announcing.
    func watch(onHead: @escaping @Sendable (Hallmark_V1_OriginHead) async throws -> Void) async throws
}

/// Since when a fetch waits on its peer; `nil` while this node handles a chunk (its own commits may be slow, and
/// that is not the peer's doing).
final class PeerWait: Sendable {
    private let storage = Mutex<ContinuousClock.Instant?>(.now)

    var since: ContinuousClock.Instant? {
        get { storage.withLock { $0 } }
        set { storage.withLock { $0 = newValue } }
    }

    /// Runs `receive` (which sets ``since`` around each chunk it handles) until it ends, or fails it when the peer
    /// leaves it waiting for `idleTimeout`.
    static func run(
        idleTimeout: Duration,
        fetching origin: MemberID,
        _ receive: @escaping @Sendable (PeerWait) async throws -> Void
    ) async throws {
        let waiting = PeerWait()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await receive(waiting) }
            group.addTask {
                while true {
                    let left = waiting.since.map { $0 + idleTimeout - .now } ?? idleTimeout
                    guard left > .zero else {
                        throw HallmarkError(
                            .peerProblem,
                            "the peer sent nothing for \(idleTimeout) during the fetch of \(origin): it stalled"
                        )
                    }
                    try await Task.sleep(for: left)
                }
            }
            // The fetch ends (or fails) first, or the watchdog does; either way the other is cancelled.
            try await group.next()
            group.cancelAll()
        }
    }
}

extension Hallmark_V1_FetchLogRequest {
    /// A request for `origin`'s entries `[start, treeSize)` in chunks of the default size.
    init(origin: MemberID, start: UInt64, treeSize: UInt64) {
        self.init()
        self.origin = origin.rawValue
        self.start = start
        self.treeSize = treeSize
        maxEntriesPerChunk = UInt32(FederationLimits.defaultEntriesPerChunk)
    }
}

extension Hallmark_V1_OfferMessage {
    /// A head announced in an Offer call (request id 0).
    init(announcing head: Hallmark_V1_OriginHead) {
        self.init()
        self.head = head
    }
}

extension Hallmark_V1_OfferEnd {
    /// The end of an answer that failed with `error`.
    init(_ error: RPCError) {
        self.init()
        code = UInt32(error.code.rawValue)
        message = error.message
    }

    /// The end of an answer that failed here for a reason other than the request (`INTERNAL`).
    init(failure: any Error) {
        self.init(RPCError(code: .internalError, message: "\(failure)"))
    }

    /// How the answer failed; `nil` when the whole range was sent. An unknown code reads as `UNKNOWN`.
    var error: RPCError? {
        guard code != 0 else { return nil }
        let status = Status.Code(rawValue: Int(code)).flatMap(RPCError.Code.init) ?? .unknown
        return RPCError(code: status, message: message)
    }
}
