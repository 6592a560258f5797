import Crypto
import Foundation
import HallmarkCore
import X509

extension RevocationList {
    /// Signs a revocation list with the alliance CA.
    /// - Parameters:
    ///   - number: The list number: one more than the previous list's (start at 1).
    ///   - revocations: The revoked certificates, each serial number once; written sorted by revocation time.
    ///   - authority: The alliance CA, with its key.
    ///   - issued: When the list is signed (`thisUpdate`), rounded down to a whole second.
    ///   - validity: How long until a newer list is due (`nextUpdate`).
    /// - Throws: ``HallmarkError`` `invalid-value` for a non-positive validity, a serial number listed twice, or a
    ///   revocation later than `issued` (a list records revocations that have happened).
    public init(
        number: UInt64,
        revocations: [Revocation],
        signedBy authority: AllianceAuthority,
        issued: Date = Date(),
        validity: TimeInterval = RevocationList.defaultValidity
    ) throws {
        guard validity.isFinite, validity >= 1 else {
            throw HallmarkError(
                .invalidValue,
                "the revocation list's validity must be at least a second, got \(validity) seconds"
            )
        }
        let issued = Date(timeIntervalSince1970: issued.timeIntervalSince1970.rounded(.down))
        var serials = Set<Certificate.SerialNumber>()
        for revocation in revocations {
            guard serials.insert(revocation.serialNumber).inserted else {
                throw HallmarkError(
                    .invalidValue,
                    "certificate \(revocation.serialNumber.hexText) of member '\(revocation.memberID)' "
                        + "is listed twice; a list holds one entry per certificate"
                )
            }
            guard revocation.time <= issued else {
                throw HallmarkError(
                    .invalidValue,
                    "the revocation of certificate \(revocation.serialNumber.hexText) of member "
                        + "'\(revocation.memberID)' is dated \(revocation.time.ISO8601Format()), after the list's "
                        + "issue time \(issued.ISO8601Format()); a revocation cannot be dated in the future"
                )
            }
        }
        let sorted = revocations.sorted {
            ($0.time, $0.serialNumber.hexText) < ($1.time, $1.serialNumber.hexText)
        }
        let contents = RevocationListContents(
            issuer: authority.certificate.subject,
            authorityKeyIdentifier: Self.keyIdentifier(of: authority.certificate),
            number: number,
            issued: issued,
            nextUpdate: issued + validity,
            revocations: sorted
        )
        let signedBytes = try contents.signedBytes()
        let signature = try authority.privateKey.signature(for: signedBytes).derRepresentation
        let der = try RevocationListContents.signedList(signedBytes: signedBytes, signature: Array(signature))
        // Read back as any node would, so a signed list is exactly what loading it gives.
        try self.init(derEncoded: der, trust: AllianceTrust(certificate: authority.certificate))
    }

    /// A new list with one more revocation, numbered one higher, signed by the alliance CA.
    /// - Parameters:
    ///   - revocation: The certificate to revoke.
    ///   - replacing: Whether an entry for the same certificate may be replaced (its time and reason change);
    ///     otherwise revoking a revoked certificate is refused.
    ///   - authority: The alliance CA that signed this list.
    ///   - issued: When the new list is signed.
    ///   - validity: How long until a newer list is due.
    /// - Returns: The new list; this one is unchanged.
    /// - Throws: ``HallmarkError`` `not-permitted` naming the certificate when it is already revoked (and not
    ///   `replacing`); `untrusted-credential` when `authority` is not the CA of this list; `invalid-value` as
    ///   ``init(number:revocations:signedBy:issued:validity:)``.
    public func adding(
        _ revocation: Revocation,
        replacing: Bool = false,
        signedBy authority: AllianceAuthority,
        issued: Date = Date(),
        validity: TimeInterval = RevocationList.defaultValidity
    ) throws -> RevocationList {
        guard try authority.certificate.sha256Fingerprint() == caFingerprint else {
            throw HallmarkError(
                .untrustedCredential,
                "the revocation list belongs to another alliance CA than '\(authority.certificate.subject)'"
            )
        }
        var entries = revocations
        if let existing = entries.firstIndex(where: { $0.serialNumber == revocation.serialNumber }) {
            guard replacing else {
                let old = entries[existing]
                throw HallmarkError(
                    .notPermitted,
                    "certificate \(old.serialNumber.hexText) of member '\(old.memberID)' is already revoked "
                        + "as of \(old.time.ISO8601Format()) (\(old.reason)); pass --force to replace that entry"
                )
            }
            entries.remove(at: existing)
        }
        guard number < UInt64.max else {
            throw HallmarkError(.invalidValue, "the revocation list number cannot grow past \(number)")
        }
        return try RevocationList(
            number: number + 1,
            revocations: entries + [revocation],
            signedBy: authority,
            issued: issued,
            validity: validity
        )
    }
}
