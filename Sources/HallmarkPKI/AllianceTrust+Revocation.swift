import Foundation
import HallmarkCore
import X509

extension AllianceTrust {
    /// Checks a member certificate as ``verify(member:at:)`` does, and also that it is not revoked at `time`.
    ///
    /// For a connection, `time` is now: a revoked member is refused. For a checkpoint, `time` is when it was signed:
    /// a checkpoint signed before the revocation passes (mark it with ``RevocationList/revocation(of:)``), one signed
    /// at or after it is rejected. A checkpoint's own time is what the key says: a stolen key can backdate, so only
    /// a checkpoint the node already held before the revocation is known to predate it (`Protocol/revocation.md`).
    /// - Parameters:
    ///   - certificate: The member certificate.
    ///   - time: The time at which it must be valid and not yet revoked.
    ///   - revocations: The alliance's current revocation list, or `nil` when the node has none.
    /// - Returns: The member id from the certificate.
    /// - Throws: ``HallmarkError`` `untrusted-credential` naming the certificate and what is wrong: not issued by the
    ///   alliance CA, expired, wrong usage, revoked, or the list is another CA's.
    public func verify(
        member certificate: Certificate,
        at time: Date = Date(),
        revocations: RevocationList?
    ) async throws -> MemberID {
        let memberID = try await verify(member: certificate, at: time)
        guard let revocations else { return memberID }
        guard revocations.caFingerprint == fingerprint else {
            throw HallmarkError(
                .untrustedCredential,
                "the revocation list was checked against another CA than the alliance CA '\(allianceName)'"
            )
        }
        if let revocation = revocations.revocation(of: certificate), revocation.isInEffect(at: time) {
            throw HallmarkError(
                .untrustedCredential,
                "certificate of member '\(memberID)' ('\(certificate.subject)', serial "
                    + "\(certificate.serialNumber.hexText)) was revoked as of \(revocation.time.ISO8601Format()) "
                    + "(\(revocation.reason)), by revocation list \(revocations.number)"
            )
        }
        return memberID
    }
}
