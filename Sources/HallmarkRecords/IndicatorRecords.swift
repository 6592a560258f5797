import HallmarkCore

/// One origin's current assertion about an indicator, folded from its log.
public struct AssertionRecord: Sendable, Equatable {
    /// The member that asserted it.
    public var origin: MemberID
    /// Whether the assertion stands (asserted and not retracted; expiry is judged by the caller).
    public var listed: Bool
    /// The origin's confidence, 0–100.
    public var confidence: Int
    /// The origin's reason code.
    public var reason: String
    /// The origin's note.
    public var note: String
    /// When the assertion lapses, if ever.
    public var expires: Timestamp?
    /// The time of the origin's first assertion of this indicator.
    public var firstSeen: Timestamp
    /// The time of the origin's latest assertion of this indicator.
    public var lastSeen: Timestamp
    /// When the origin retracted it, if it did.
    public var retractedAt: Timestamp?
    /// The index of the origin's latest entry about this indicator.
    public var lastIndex: UInt64
    /// The member this node received that entry from (the origin itself when direct).
    public var receivedFrom: MemberID
    /// When this node stored that entry.
    public var receivedAt: Timestamp
    /// Other members' disputes of this assertion.
    public var disputes: [DisputeRecord]

    /// Creates the record from its fields.
    public init(
        origin: MemberID,
        listed: Bool,
        confidence: Int,
        reason: String,
        note: String,
        expires: Timestamp?,
        firstSeen: Timestamp,
        lastSeen: Timestamp,
        retractedAt: Timestamp?,
        lastIndex: UInt64,
        receivedFrom: MemberID,
        receivedAt: Timestamp,
        disputes: [DisputeRecord]
    ) {
        self.origin = origin
        self.listed = listed
        self.confidence = confidence
        self.reason = reason
        self.note = note
        self.expires = expires
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.retractedAt = retractedAt
        self.lastIndex = lastIndex
        self.receivedFrom = receivedFrom
        self.receivedAt = receivedAt
        self.disputes = disputes
    }

    /// Whether the assertion stands at `time`: listed and not expired.
    public func isInForce(at time: Timestamp) -> Bool {
        listed && (expires.map { $0 > time } ?? true)
    }
}

/// A member's dispute (false-positive report) of another member's assertion.
public struct DisputeRecord: Sendable, Equatable {
    /// The member that disputes.
    public var disputer: MemberID
    /// Its reason code.
    public var reason: String
    /// Its note.
    public var note: String
    /// When it disputed.
    public var time: Timestamp

    /// Creates the record from its fields.
    public init(
        disputer: MemberID,
        reason: String,
        note: String,
        time: Timestamp
    ) {
        self.disputer = disputer
        self.reason = reason
        self.note = note
        self.time = time
    }
}

/// An entry as stored: the exact bytes, decoded, with how it arrived.
public struct StoredEntry: Sendable {
    /// The decoded entry.
    public var entry: Entry
    /// The bytes the origin produced.
    public var bytes: [UInt8]
    /// RFC 9162 leaf hash of ``bytes``.
    public var leafHash: Hash256
    /// The member this node received it from.
    public var receivedFrom: MemberID
    /// When this node stored it.
    public var receivedAt: Timestamp

    /// Creates the record from its fields.
    public init(
        entry: Entry,
        bytes: [UInt8],
        leafHash: Hash256,
        receivedFrom: MemberID,
        receivedAt: Timestamp
    ) {
        self.entry = entry
        self.bytes = bytes
        self.leafHash = leafHash
        self.receivedFrom = receivedFrom
        self.receivedAt = receivedAt
    }
}

/// Figures for `hallmark status`.
public struct StoreStatistics: Sendable {
    /// Indicators listed by at least one origin and not expired, by kind.
    public var listedByKind: [IndicatorKind: Int]
    /// Every log held.
    public var logs: [LogHead]
    /// Entries held, all origins together.
    public var entryCount: Int
    /// The Bloom filter.
    public var filter: FilterStatistics

    /// Creates the record from its fields.
    public init(
        listedByKind: [IndicatorKind: Int],
        logs: [LogHead],
        entryCount: Int,
        filter: FilterStatistics
    ) {
        self.listedByKind = listedByKind
        self.logs = logs
        self.entryCount = entryCount
        self.filter = filter
    }
}
