import Foundation
import HallmarkCore
import X509

/// The credential files of an alliance and its members, and the two operations that write them.
///
/// An alliance folder holds `ca.pem`, `ca-key.pem` and `alliance.key`; a member folder holds `member.pem` and
/// `member-key.pem`; a member's node also needs copies of `ca.pem` and `alliance.key`.
/// Private keys and the alliance key are written owner-readable only (0600), certificates 0644. A file is never
/// overwritten unless asked to, and is written atomically, so a crash never leaves half a key.
public enum AllianceFiles {
    /// The alliance CA certificate.
    public static let caCertificateName = "ca.pem"
    /// The alliance CA private key.
    public static let caKeyName = "ca-key.pem"
    /// The alliance key that keys indicator digests.
    public static let allianceKeyName = "alliance.key"
    /// A member's certificate.
    public static let memberCertificateName = "member.pem"
    /// A member's private key.
    public static let memberKeyName = "member-key.pem"

    /// Creates a new alliance: a CA (certificate and key) and an alliance key, written into a folder.
    /// - Parameters:
    ///   - name: The alliance's name (CA common name and organization).
    ///   - outputDirectory: The folder to write into; created if missing.
    ///   - force: Whether existing files may be overwritten.
    ///   - validity: How long the CA certificate is valid.
    /// - Returns: The files written, the CA fingerprint and the alliance key id.
    /// - Throws: ``HallmarkError`` `file-problem` naming a file that exists (and not `force`) or cannot be written;
    ///   `invalid-value` for a bad name or validity. When refusing to overwrite, nothing is written.
    public static func initAlliance(
        name: String,
        outputDirectory: URL,
        force: Bool,
        validity: TimeInterval = AllianceAuthority.defaultValidity
    ) throws -> AllianceCreated {
        let certificateFile = outputDirectory.appendingPathComponent(caCertificateName)
        let keyFile = outputDirectory.appendingPathComponent(caKeyName)
        let allianceKeyFile = outputDirectory.appendingPathComponent(allianceKeyName)
        try CredentialFile.ensureDirectory(outputDirectory)
        try CredentialFile.checkCanWrite([certificateFile, keyFile, allianceKeyFile], force: force)

        let authority = try AllianceAuthority.create(name: name, validity: validity)
        let allianceKey = AllianceKey.generate(caFingerprint: try authority.certificate.sha256Fingerprint())
        // Secrets first: a folder holding ca.pem holds everything that goes with it.
        try CredentialFile.writeAtomically(
            allianceKey.fileContents,
            to: allianceKeyFile,
            mode: CredentialFile.secretMode,
            force: force
        )
        try CredentialFile.writeAtomically(
            CredentialFile.pemText(authority.privateKey),
            to: keyFile,
            mode: CredentialFile.secretMode,
            force: force
        )
        try CredentialFile.writeAtomically(
            CredentialFile.pemText(authority.certificate),
            to: certificateFile,
            mode: CredentialFile.publicMode,
            force: force
        )
        return AllianceCreated(
            allianceName: authority.name,
            caCertificateFile: certificateFile,
            caKeyFile: keyFile,
            allianceKeyFile: allianceKeyFile,
            caFingerprint: try authority.certificate.sha256Fingerprint(),
            allianceKeyID: allianceKey.id,
            expires: authority.certificate.notValidAfter
        )
    }

    /// Issues a member certificate and key with the CA in an alliance folder, written into a folder.
    /// - Parameters:
    ///   - allianceDirectory: The folder holding `ca.pem` and `ca-key.pem`.
    ///   - member: The member's id.
    ///   - name: The member's display name (certificate common name).
    ///   - hosts: DNS names and IP addresses of the member's node.
    ///   - outputDirectory: The folder to write `member.pem` and `member-key.pem` into; created if missing.
    ///   - force: Whether existing files may be overwritten.
    ///   - validity: How long the member certificate is valid (never beyond the CA's expiry).
    /// - Returns: The files written, the member id, the certificate fingerprint and its expiry.
    /// - Throws: ``HallmarkError`` naming the file at fault: `file-problem` when the CA files are missing or the
    ///   output exists (and not `force`); `malformed` or `untrusted-credential` for unusable CA files;
    ///   `invalid-value` for a bad name, host or validity. When refusing to overwrite, nothing is written.
    public static func issueMember(
        allianceDirectory: URL,
        member: MemberID,
        name: String,
        hosts: [String],
        outputDirectory: URL,
        force: Bool,
        validity: TimeInterval = AllianceAuthority.defaultMemberValidity
    ) throws -> MemberIssued {
        let authority = try AllianceAuthority.load(
            certificateFile: allianceDirectory.appendingPathComponent(caCertificateName),
            keyFile: allianceDirectory.appendingPathComponent(caKeyName)
        )
        let certificateFile = outputDirectory.appendingPathComponent(memberCertificateName)
        let keyFile = outputDirectory.appendingPathComponent(memberKeyName)
        // Checked before creating the folder, so that a bad name or host leaves nothing behind.
        let credentials = try authority.issueMember(id: member, name: name, hosts: hosts, validity: validity)
        try CredentialFile.ensureDirectory(outputDirectory)
        try CredentialFile.checkCanWrite([certificateFile, keyFile], force: force)

        try CredentialFile.writeAtomically(
            credentials.privateKeyPEM,
            to: keyFile,
            mode: CredentialFile.secretMode,
            force: force
        )
        try CredentialFile.writeAtomically(
            try credentials.certificatePEM(),
            to: certificateFile,
            mode: CredentialFile.publicMode,
            force: force
        )
        return MemberIssued(
            memberID: credentials.memberID,
            name: credentials.name,
            certificateFile: certificateFile,
            keyFile: keyFile,
            fingerprint: try credentials.certificate.sha256Fingerprint(),
            expires: credentials.certificate.notValidAfter
        )
    }
}
