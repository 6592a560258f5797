import HallmarkCore

/// What this node last learnt syncing with one peer: when, how it went, what it fetched, how far behind it is.
public struct PeerSyncStatus: Sendable, Equatable {
    /// How the last sync with the peer ended.
    public enum Outcome: String, Sendable {
        /// Everything the peer offered was taken (or held already).
        case ok
        /// At least one log the peer offered failed verification and was rejected.
        case rejected
        /// The connection was lost during the sync; the rest waits for the next one.
        case interrupted
        /// The peer could not be reached, or refused this node.
        case unreachable
    }

    /// When the last sync with the peer ended (a full round, or the logs of one checkpoint the peer announced).
    public var lastSync: Timestamp
    /// How it ended.
    public var outcome: Outcome
    /// Why, when it did not go through: the first rejection, the interruption or the connection error.
    public var detail: String?
    /// Entries fetched, verified and committed by the last sync.
    public var entriesFetched: Int
    /// Entries the peer offers that this node still lacks, as of the last comparison of heads, by origin.
    public var lagByOrigin: [MemberID: UInt64]

    /// Entries the peer offers that this node still lacks, all origins together.
    public var lagEntries: UInt64 { lagByOrigin.values.reduce(0, +) }

    /// Creates a status.
    public init(
        lastSync: Timestamp,
        outcome: Outcome,
        detail: String? = nil,
        entriesFetched: Int = 0,
        lagByOrigin: [MemberID: UInt64] = [:]
    ) {
        self.lastSync = lastSync
        self.outcome = outcome
        self.detail = detail
        self.entriesFetched = entriesFetched
        self.lagByOrigin = lagByOrigin
    }
}
