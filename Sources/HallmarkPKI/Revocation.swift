import Foundation
import HallmarkCore
import X509

/// One entry of the alliance's revocation list: a member certificate that the CA revoked, and since when.
///
/// A certificate is identified by its serial number (the list is the CA's, so the issuer is implied); the member id
/// and fingerprint say whose certificate it was, for people and auditors. Revocation is of a certificate, not of a
/// member: a member whose certificate was `superseded` keeps working with its new one.
public struct Revocation: Hashable, Sendable {
    /// The member the certificate was issued to.
    public let memberID: MemberID
    /// The revoked certificate's serial number.
    public let serialNumber: Certificate.SerialNumber
    /// The SHA-256 fingerprint of the revoked certificate, when it was known when revoking.
    public let certificateFingerprint: Hash256?
    /// From when the certificate is revoked, in whole seconds: connections are refused from then on, and
    /// checkpoints signed at or after it are rejected.
    public let time: Date
    /// Why it was revoked.
    public let reason: RevocationReason

    /// An entry for a certificate known by its member and serial number.
    /// - Parameters:
    ///   - memberID: The member the certificate was issued to.
    ///   - serialNumber: The certificate's serial number.
    ///   - certificateFingerprint: The certificate's SHA-256 fingerprint, if known.
    ///   - time: From when it is revoked; rounded down to a whole second, the precision of the list.
    ///   - reason: Why it is revoked.
    public init(
        memberID: MemberID,
        serialNumber: Certificate.SerialNumber,
        certificateFingerprint: Hash256? = nil,
        time: Date,
        reason: RevocationReason
    ) {
        self.memberID = memberID
        self.serialNumber = serialNumber
        self.certificateFingerprint = certificateFingerprint
        self.time = Date(timeIntervalSince1970: time.timeIntervalSince1970.rounded(.down))
        self.reason = reason
    }

    /// An entry for a member certificate.
    /// - Parameters:
    ///   - certificate: The member certificate to revoke.
    ///   - time: From when it is revoked; rounded down to a whole second.
    ///   - reason: Why it is revoked.
    /// - Throws: ``HallmarkError`` `untrusted-credential` when the certificate names no member.
    public init(certificate: Certificate, time: Date, reason: RevocationReason) throws {
        self.init(
            memberID: try certificate.memberID(),
            serialNumber: certificate.serialNumber,
            certificateFingerprint: try certificate.sha256Fingerprint(),
            time: time,
            reason: reason
        )
    }

    /// Reads a serial number written in hex, as ``Certificate/SerialNumber/init(hexText:)`` does; for callers that
    /// do not import X509.
    /// - Parameter text: Hex digits, optionally separated by colons, such as `0a:1b:2c`.
    /// - Throws: ``HallmarkError`` `invalid-value` for an empty, over-long or non-hex text.
    public static func serialNumber(hexText text: String) throws -> Certificate.SerialNumber {
        try Certificate.SerialNumber(hexText: text)
    }

    /// Whether the certificate counts as revoked at `time`: the revocation time is at or before it.
    /// - Parameter time: When the certificate is used: now for a connection, the signing time for a checkpoint.
    public func isInEffect(at time: Date) -> Bool {
        self.time <= time
    }
}
