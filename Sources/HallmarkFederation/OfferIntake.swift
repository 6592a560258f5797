import GRPCCore
import HallmarkCore
import HallmarkProtocol
import Logging

/// How a node takes the logs that members dialling it offer over their own connections (Protocol/PROTOCOL.md §4.5):
/// with the same sync engine, commit lock and round interval as the peers it dials, so an offered log is checked,
/// committed and reported exactly as a pulled one.
public struct OfferIntake: Sendable {
    let engine: SyncEngine
    let lock: PullLock
    let interval: Duration
    let logger: Logger

    /// Takes offers into `engine`'s member, committing under `lock` (shared with this node's ``PeerSync`` loops) and
    /// comparing every head every `interval`.
    public init(engine: SyncEngine, lock: PullLock, interval: Duration = .seconds(30), logger: Logger) {
        self.engine = engine
        self.lock = lock
        self.interval = interval
        self.logger = logger
    }

    /// A link over an Offer call whose requests `writer` writes; when the member ends its side, the commit under way
    /// of what it sent finishes first (it holds the commit lock).
    func link(to address: PeerAddress, writer: RPCWriter<Hallmark_V1_OfferRequest>) -> OfferLink {
        OfferLink(address: address, writer: writer, drain: { [lock] in await lock.run {} })
    }

    /// Syncs from `link` as from a dialled peer: a full round at once and every ``interval``, and each head it
    /// announces as it comes, until the link ends.
    func follow(_ link: OfferLink) async throws {
        try await PeerSync(engine: engine, peer: link.address, interval: interval, lock: lock, logger: logger)
            .follow(link)
    }
}
