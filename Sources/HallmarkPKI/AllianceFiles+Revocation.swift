import Foundation
import HallmarkCore
import X509

extension AllianceFiles {
    /// The alliance's signed revocation list, beside `ca.pem`: give it to every member.
    public static let revocationListName = "revocations.pem"

    /// Revokes a member certificate: adds it to the alliance folder's revocation list, signed anew by the CA.
    ///
    /// The current `revocations.pem`, if any, is read and verified; the new list has one more entry and a number one
    /// higher, and replaces it atomically. Without a list, the first one (number 1) is written.
    /// - Parameters:
    ///   - allianceDirectory: The folder holding `ca.pem`, `ca-key.pem` and perhaps `revocations.pem`.
    ///   - memberCertificateFile: The certificate to revoke (a `member.pem`); the alliance CA must have issued it.
    ///   - reason: Why it is revoked.
    ///   - time: From when it is revoked: now, or earlier, such as when a key may first have leaked. Checkpoints
    ///     the member signed from then on are rejected. Not in the future.
    ///   - force: Whether an entry for an already revoked certificate may be replaced (with the new time and reason);
    ///     otherwise revoking it again is refused.
    ///   - validity: How long until a newer list is due.
    /// - Returns: The entry, any entry it replaced, and the list written.
    /// - Throws: ``HallmarkError`` naming the file at fault: `file-problem` for missing or unwritable files;
    ///   `malformed`, `bad-signature` or `untrusted-credential` for an unusable CA, certificate or current list (a
    ///   certificate of another CA cannot be revoked by this one); `not-permitted` when already revoked (and not
    ///   `force`); `invalid-value` for a time in the future. When refusing, nothing is written.
    public static func revoke(
        allianceDirectory: URL,
        memberCertificateFile: URL,
        reason: RevocationReason = .unspecified,
        at time: Date = Date(),
        force: Bool = false,
        validity: TimeInterval = RevocationList.defaultValidity
    ) throws -> MemberRevoked {
        let authority = try loadAuthority(allianceDirectory)
        let certificate = try CredentialFile.readCertificate(memberCertificateFile, what: "member certificate")
        let ca = authority.certificate
        guard certificate.issuer == ca.subject, ca.publicKey.isValidSignature(certificate.signature, for: certificate)
        else {
            throw HallmarkError(
                .untrustedCredential,
                "certificate '\(certificate.subject)' was not issued by the alliance CA '\(authority.name)'; "
                    + "only the CA that issued a certificate can revoke it",
                location: memberCertificateFile.path
            )
        }
        let revocation: Revocation
        do {
            revocation = try Revocation(certificate: certificate, time: time, reason: reason)
        } catch let error as HallmarkError {
            throw error.at(memberCertificateFile.path)
        }
        return try revoke(revocation, authority: authority, in: allianceDirectory, force: force, validity: validity)
    }

    /// Revokes a member certificate known by its member and serial number, for when the certificate file is lost.
    /// - Parameters:
    ///   - allianceDirectory: The folder holding `ca.pem`, `ca-key.pem` and perhaps `revocations.pem`.
    ///   - member: The member the certificate was issued to.
    ///   - serialNumber: The certificate's serial number (`openssl x509 -serial` shows it).
    ///   - reason: Why it is revoked.
    ///   - time: From when it is revoked; not in the future.
    ///   - force: Whether an entry for an already revoked certificate may be replaced.
    ///   - validity: How long until a newer list is due.
    /// - Returns: The entry, any entry it replaced, and the list written.
    /// - Throws: ``HallmarkError`` as ``revoke(allianceDirectory:memberCertificateFile:reason:at:force:validity:)``.
    public static func revoke(
        allianceDirectory: URL,
        member: MemberID,
        serialNumber: Certificate.SerialNumber,
        reason: RevocationReason = .unspecified,
        at time: Date = Date(),
        force: Bool = false,
        validity: TimeInterval = RevocationList.defaultValidity
    ) throws -> MemberRevoked {
        let authority = try loadAuthority(allianceDirectory)
        let revocation = Revocation(memberID: member, serialNumber: serialNumber, time: time, reason: reason)
        return try revoke(revocation, authority: authority, in: allianceDirectory, force: force, validity: validity)
    }

    /// Reads the revocation list of an alliance folder (or a member's copy beside its `ca.pem`), if there is one.
    /// - Parameters:
    ///   - directory: The folder that may hold `revocations.pem`.
    ///   - trust: The alliance CA that must have signed it.
    /// - Returns: The verified list, or `nil` when the folder has none.
    /// - Throws: ``HallmarkError`` located at the file, as ``RevocationList/load(file:trust:)``.
    public static func loadRevocationList(in directory: URL, trust: AllianceTrust) throws -> RevocationList? {
        let file = directory.appendingPathComponent(revocationListName)
        // Not following links: a dangling link is a broken list, which must be reported rather than ignored.
        guard (try? FileManager.default.attributesOfItem(atPath: file.path)) != nil else { return nil }
        return try RevocationList.load(file: file, trust: trust)
    }

    private static func loadAuthority(_ allianceDirectory: URL) throws -> AllianceAuthority {
        try AllianceAuthority.load(
            certificateFile: allianceDirectory.appendingPathComponent(caCertificateName),
            keyFile: allianceDirectory.appendingPathComponent(caKeyName)
        )
    }

    private static func revoke(
        _ revocation: Revocation,
        authority: AllianceAuthority,
        in allianceDirectory: URL,
        force: Bool,
        validity: TimeInterval
    ) throws -> MemberRevoked {
        let now = Date()
        guard revocation.time <= now else {
            throw HallmarkError(
                .invalidValue,
                "the revocation time \(revocation.time.ISO8601Format()) is in the future; "
                    + "revoke when it takes effect"
            )
        }
        let trust = try AllianceTrust(certificate: authority.certificate)
        let file = allianceDirectory.appendingPathComponent(revocationListName)
        let current = try loadRevocationList(in: allianceDirectory, trust: trust)
        let replaced = current?.revocation(serialNumber: revocation.serialNumber)
        let list: RevocationList
        if let current {
            list = try current.adding(
                revocation,
                replacing: force,
                signedBy: authority,
                issued: now,
                validity: validity
            )
        } else {
            list = try RevocationList(
                number: 1,
                revocations: [revocation],
                signedBy: authority,
                issued: now,
                validity: validity
            )
        }
        try CredentialFile.writeAtomically(list.pemString, to: file, mode: CredentialFile.publicMode, force: true)
        return MemberRevoked(revocation: revocation, replacedEntry: replaced, listFile: file, list: list)
    }
}
