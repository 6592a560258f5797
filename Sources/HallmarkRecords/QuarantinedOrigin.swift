import HallmarkCore

/// An origin whose log this node no longer extends, until an operator clears it: what it holds stays, nothing new
/// of it is accepted.
public struct QuarantinedOrigin: Sendable, Equatable {
    /// The origin.
    public var origin: MemberID
    /// When it was quarantined.
    public var since: Timestamp
    /// Why.
    public var reason: String

    /// Creates a record.
    public init(origin: MemberID, since: Timestamp, reason: String) {
        self.origin = origin
        self.since = since
        self.reason = reason
    }
}
