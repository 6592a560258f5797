import Foundation
import HallmarkCore

/// What ``AllianceFiles/issueMember(allianceDirectory:member:name:hosts:outputDirectory:force:validity:)`` wrote.
public struct MemberIssued: Sendable {
    /// The member the certificate was issued to.
    public let memberID: MemberID
    /// The member's display name (the certificate's common name).
    public let name: String
    /// The member certificate (`member.pem`).
    public let certificateFile: URL
    /// The member private key (`member-key.pem`): give it to that member only.
    public let keyFile: URL
    /// The SHA-256 fingerprint of the member certificate.
    public let fingerprint: Hash256
    /// When the member certificate expires.
    public let expires: Date
}
