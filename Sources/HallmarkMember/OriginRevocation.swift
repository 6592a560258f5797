import HallmarkCore
import HallmarkPKI

/// That an origin's certificate is on the alliance's revocation list in force: its entries stay auditable and are
/// marked with this.
public struct OriginRevocation: Sendable, Equatable {
    /// From when the certificate is revoked.
    public var since: Timestamp
    /// Why it was revoked.
    public var reason: RevocationReason
    /// The number of the revocation list that says so.
    public var listNumber: UInt64

    /// Creates a mark.
    /// - Parameters:
    ///   - since: From when the certificate is revoked.
    ///   - reason: Why.
    ///   - listNumber: The revocation list's number.
    public init(since: Timestamp, reason: RevocationReason, listNumber: UInt64) {
        self.since = since
        self.reason = reason
        self.listNumber = listNumber
    }

    /// The reasons that end a member's certificate without casting doubt on what the member asserted with it.
    public static let reasonsKeepingAssertions: Set<RevocationReason> = [
        .superseded, .cessationOfOperation, .affiliationChanged,
    ]

    /// Whether the origin's standing assertions still make an identifier listed.
    ///
    /// Yes when the certificate ended for an administrative reason (``reasonsKeepingAssertions``): the member was
    /// trusted when it asserted. No for any other reason — `keyCompromise` (anyone may have signed with the key, and
    /// backdated), `privilegeWithdrawn` (the alliance no longer trusts the member's judgment), `unspecified` or
    /// another: the assertions are still shown, marked, but alone they never make an identifier listed.
    public var assertionsCount: Bool {
        Self.reasonsKeepingAssertions.contains(reason)
    }
}
