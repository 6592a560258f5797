import HallmarkCore
import HallmarkRecords

/// What the Bloom filter holds that no longer stands, or soon will not: the retractions and expiries since it was
/// last rebuilt. They never make a wrong verdict (a positive is confirmed against the exact index), only needless
/// confirmations, until a rebuild drops them.
public struct FilterFreshness: Sendable, Equatable {
    /// Retractions appended (this member's or received) since the filter was rebuilt.
    public var retractions = 0
    /// When the earliest of those was appended here.
    public var oldestRetraction: Timestamp?
    /// The earliest expiry of an assertion in the filter, past or to come; `nil` when none expires.
    public var nextExpiry: Timestamp?

    /// Creates a record of staleness.
    /// - Parameters:
    ///   - retractions: Retractions since the last rebuild.
    ///   - oldestRetraction: When the first of them was appended.
    ///   - nextExpiry: The earliest expiry in the filter.
    public init(retractions: Int = 0, oldestRetraction: Timestamp? = nil, nextExpiry: Timestamp? = nil) {
        self.retractions = retractions
        self.oldestRetraction = oldestRetraction
        self.nextExpiry = nextExpiry
    }

    /// Since when the filter holds something that no longer stands at `time`: the oldest retraction or the lapsed
    /// expiry, whichever is earlier; `nil` when it is fresh.
    public func staleSince(at time: Timestamp) -> Timestamp? {
        let expired = nextExpiry.flatMap { $0 <= time ? $0 : nil }
        return [oldestRetraction, expired].compactMap { $0 }.min()
    }
}
