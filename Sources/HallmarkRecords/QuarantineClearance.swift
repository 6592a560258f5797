import HallmarkCore

/// An operator's lifting of an origin's quarantine, kept on the record: what the quarantine was, when it was cleared
/// and the operator's note.
public struct QuarantineClearance: Sendable, Equatable {
    /// The origin whose log takes new entries again.
    public var origin: MemberID
    /// When it had been quarantined.
    public var quarantinedSince: Timestamp
    /// Why it had been quarantined.
    public var reason: String
    /// When the operator cleared it.
    public var clearedAt: Timestamp
    /// The operator's note, possibly empty.
    public var note: String

    /// Creates the record from its fields.
    public init(origin: MemberID, quarantinedSince: Timestamp, reason: String, clearedAt: Timestamp, note: String) {
        self.origin = origin
        self.quarantinedSince = quarantinedSince
        self.reason = reason
        self.clearedAt = clearedAt
        self.note = note
    }
}
