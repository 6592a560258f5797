import GRPCCore
import HallmarkCore
import HallmarkProtocol
import Logging
import Synchronization

/// How a node takes the logs that members dialling it offer over their own connections (Protocol/PROTOCOL.md §4.5):
/// with the same sync engine, commit lock and round interval as the peers it dials, so an offered log is checked,
/// committed and reported exactly as a pulled one.
public struct OfferIntake: Sendable {
    let engine: SyncEngine
    let lock: PullLock
    let interval: Duration
    let logger: Logger
    /// The Offer call each member has open.
    let calls = OpenCalls()

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

    /// The Offer call open per member: a member reconnecting after its link broke must not wait for the old call to
    /// time out, and one member holds one call, not many.
    final class OpenCalls: Sendable {
        private struct State {
            var next: UInt64 = 0
            var open: [MemberID: (number: UInt64, replaced: ClosingSignal)] = [:]
        }

        private let state = Mutex(State())

        /// Registers an Offer call of `member` and tells the member's older call, if any, to end.
        /// - Returns: The call's number, for ``end(_:of:)``, and the signal that fires when a newer call replaces it.
        func open(_ member: MemberID) -> (number: UInt64, replaced: ClosingSignal) {
            let replaced = ClosingSignal()
            let (number, older) = state.withLock { state in
                defer { state.next += 1 }
                return (state.next, state.open.updateValue((state.next, replaced), forKey: member))
            }
            older?.replaced.close()
            return (number, replaced)
        }

        /// Forgets the call `number` of `member`, unless a newer one already replaced it.
        func end(_ number: UInt64, of member: MemberID) {
            state.withLock { state in
                if state.open[member]?.number == number { state.open[member] = nil }
            }
        }
    }
}
