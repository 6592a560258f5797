import HallmarkCore
import Synchronization

/// What the federation listener refused since the node started, and to whom: calls over a peer's budget (by member
/// id) and connections over the limits or whose TLS handshake never finished (by remote address, since no member is
/// known before the handshake). `hallmark status` and `GET /v1/peers` show it; the metrics count the same events.
///
/// Kept in memory only, and bounded: a refusal is cheap for the peer, so recording one must not write to disk or
/// grow without bound.
public final class RefusalBoard: Sendable {
    /// Refusals of one kind to one peer or address.
    public struct Entry: Sendable, Equatable {
        /// The member id of the peer, or `address 203.0.113.7` when no member was known; `*` gathers the refused
        /// beyond ``RefusalBoard/maximumEntries``.
        public var from: String
        /// What was refused and why, such as `FetchLog over the rate of 20 a second`.
        public var reason: String
        /// How many times.
        public var count: Int
        /// When first and last.
        public var firstAt: Timestamp
        public var lastAt: Timestamp
    }

    /// The most (peer, reason) pairs kept apart; refusals of further pairs are counted under `*`.
    public static let maximumEntries = 1_024

    private struct Key: Hashable {
        var from: String
        var reason: String
    }

    private let entries = Mutex<[Key: Entry]>([:])

    /// An empty board.
    public init() {}

    /// Counts one refusal of `reason` to `from` (a member id, or `address …`).
    /// - Returns: How many such refusals there were, this one included.
    @discardableResult
    public func record(from: String, reason: String, at time: Timestamp = .now()) -> Int {
        entries.withLock { entries in
            var key = Key(from: from, reason: reason)
            if entries[key] == nil, entries.count >= Self.maximumEntries { key.from = "*" }
            if entries[key] == nil {
                entries[key] = Entry(from: key.from, reason: reason, count: 0, firstAt: time, lastAt: time)
            }
            entries[key]?.count += 1
            entries[key]?.lastAt = time
            return entries[key]?.count ?? 0
        }
    }

    /// Every refusal, by peer and reason.
    public var all: [Entry] {
        entries.withLock { Array($0.values) }.sorted { ($0.from, $0.reason) < ($1.from, $1.reason) }
    }
}
