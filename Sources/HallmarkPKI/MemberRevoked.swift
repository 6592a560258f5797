import Foundation
import HallmarkCore
import X509

/// What ``AllianceFiles/revoke(allianceDirectory:memberCertificateFile:reason:at:force:validity:)`` did.
public struct MemberRevoked: Sendable {
    /// The entry added to the list.
    public let revocation: Revocation
    /// Whether an earlier entry for the same certificate was replaced (with `force`).
    public let replacedEntry: Revocation?
    /// The list written (`revocations.pem`).
    public let listFile: URL
    /// The new list: its number, issue and next-update times, and all its entries.
    public let list: RevocationList
}
