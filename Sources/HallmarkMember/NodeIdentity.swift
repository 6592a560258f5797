import Crypto
import Foundation
import HallmarkCore
import HallmarkPKI
import SwiftASN1
import X509

/// A member node's identity: its alliance-issued certificate and key, the alliance CA it trusts,
/// the alliance key that digests are made with, and the alliance's revocation list when there is one.
///
/// `hallmark init` checks the files and copies them into the data folder's `identity/`, so that the
/// store never depends on files elsewhere that may move or change. The revocation list is
/// `revocations.pem` beside the CA certificate (Protocol/revocation.md); a newer one is installed with
/// ``installRevocationList(from:into:)``.
public struct NodeIdentity: Sendable {
    /// The folder inside the data folder that holds the identity files.
    public static let folderName = "identity"

    /// The member's certificate and key.
    public let credentials: MemberCredentials
    /// The alliance CA.
    public let trust: AllianceTrust
    /// The alliance key.
    public let allianceKey: AllianceKey
    /// The alliance's revocation list as loaded, verified against ``trust``; `nil` when there is none.
    public let revocations: RevocationList?

    /// This node's member id.
    public var member: MemberID { credentials.memberID }
    /// The key that signs this member's checkpoints.
    public var signingKey: P256.Signing.PrivateKey { credentials.privateKey }
    /// The member certificate in PEM.
    public var certificatePEM: String { (try? credentials.certificatePEM()) ?? "" }
    /// The member certificate's SHA-256 fingerprint in hex.
    public var fingerprint: String { (try? credentials.certificate.sha256Fingerprint().hex) ?? "" }

    /// Loads and checks identity files: the key must match the certificate, the certificate must be
    /// a member certificate issued by the alliance CA, and the alliance key must be that CA's (when its file says). A `revocations.pem` beside the CA certificate is loaded
    /// too, and must verify against the CA.
    /// - Throws: ``HallmarkError`` naming the file and the problem (a present but unusable revocation list too).
    public static func load(
        memberCertificate: URL,
        memberKey: URL,
        allianceCA: URL,
        allianceKey: URL
    ) async throws -> NodeIdentity {
        let credentials = try MemberCredentials.load(certificateFile: memberCertificate, keyFile: memberKey)
        let trust = try AllianceTrust.load(caFile: allianceCA)
        do {
            _ = try await trust.verify(member: credentials.certificate)
        } catch let error as HallmarkError {
            throw error.at(memberCertificate.path)
        }
        let key = try AllianceKey.load(file: allianceKey)
        // Files of two alliances: every digest made with this key would be useless to the CA's members.
        if let expected = key.caFingerprint, expected != (try trust.certificate.sha256Fingerprint()) {
            throw HallmarkError(
                .invalidValue,
                "this alliance key belongs to another alliance CA (fingerprint \(expected.hex.prefix(16))…) than "
                    + "\(allianceCA.lastPathComponent) (\(try trust.certificate.sha256Fingerprint().hex.prefix(16))…): "
                    + "use the alliance.key and ca.pem that `hallmark certs init-alliance` wrote together",
                location: allianceKey.path
            )
        }
        let revocations = try AllianceFiles.loadRevocationList(in: allianceCA.deletingLastPathComponent(), trust: trust)
        return NodeIdentity(credentials: credentials, trust: trust, allianceKey: key, revocations: revocations)
    }

    /// The member certificate and key files that ``install(into:)`` writes into `dataDirectory`.
    public static func installedCredentialFiles(in dataDirectory: URL) -> (certificate: URL, key: URL) {
        let folder = dataDirectory.appendingPathComponent(folderName)
        return (
            folder.appendingPathComponent(AllianceFiles.memberCertificateName),
            folder.appendingPathComponent(AllianceFiles.memberKeyName)
        )
    }

    /// Loads the identity installed in a data folder by ``install(into:)``.
    public static func load(installedIn dataDirectory: URL) async throws -> NodeIdentity {
        let folder = dataDirectory.appendingPathComponent(folderName)
        let credentials = installedCredentialFiles(in: dataDirectory)
        return try await load(
            memberCertificate: credentials.certificate,
            memberKey: credentials.key,
            allianceCA: folder.appendingPathComponent(AllianceFiles.caCertificateName),
            allianceKey: folder.appendingPathComponent(AllianceFiles.allianceKeyName)
        )
    }

    /// Copies the identity into `dataDirectory/identity/`, secrets with mode 0600.
    public func install(into dataDirectory: URL) throws {
        let folder = dataDirectory.appendingPathComponent(Self.folderName)
        try CredentialFile.ensureDirectory(folder)
        try CredentialFile.writeAtomically(
            try credentials.certificatePEM(),
            to: folder.appendingPathComponent(AllianceFiles.memberCertificateName),
            mode: CredentialFile.publicMode,
            force: true
        )
        try CredentialFile.writeAtomically(
            credentials.privateKeyPEM,
            to: folder.appendingPathComponent(AllianceFiles.memberKeyName),
            mode: CredentialFile.secretMode,
            force: true
        )
        try CredentialFile.writeAtomically(
            try trust.certificate.serializeAsPEM().pemString,
            to: folder.appendingPathComponent(AllianceFiles.caCertificateName),
            mode: CredentialFile.publicMode,
            force: true
        )
        try CredentialFile.writeAtomically(
            allianceKey.fileContents,
            to: folder.appendingPathComponent(AllianceFiles.allianceKeyName),
            mode: CredentialFile.secretMode,
            force: true
        )
        if let revocations {
            try CredentialFile.writeAtomically(
                revocations.pemString,
                to: folder.appendingPathComponent(AllianceFiles.revocationListName),
                mode: CredentialFile.publicMode,
                force: true
            )
        }
    }

    /// Installs the alliance's revocation list from `file` into `dataDirectory/identity/revocations.pem`, after
    /// checking that the alliance CA signed it and that it is not older than the list installed there.
    ///
    /// A node never goes back to a lower-numbered list (Protocol/revocation.md §3): a list numbered lower than the
    /// installed one is refused, and so is another list with the same number. The same list again changes nothing.
    /// - Parameters:
    ///   - file: The new list (PEM, `BEGIN X509 CRL`), as the CA's operator handed it out.
    ///   - dataDirectory: The node's data folder.
    /// - Returns: The list now installed.
    /// - Throws: ``HallmarkError`` naming the file: `file-problem`, `malformed`, `untrusted-credential` or
    ///   `bad-signature` for an unusable list, `not-permitted` for an older one. Nothing is written then.
    @discardableResult
    public func installRevocationList(from file: URL, into dataDirectory: URL) throws -> RevocationList {
        let list = try RevocationList.load(file: file, trust: trust)
        let folder = dataDirectory.appendingPathComponent(Self.folderName)
        let installed = try AllianceFiles.loadRevocationList(in: folder, trust: trust)
        if let installed {
            if installed.number == list.number, installed.derBytes == list.derBytes { return installed }
            guard list.number > installed.number else {
                throw HallmarkError(
                    .notPermitted,
                    "revocation list \(list.number) is not newer than the installed list \(installed.number); "
                        + "a node never goes back to an older list",
                    location: file.path
                )
            }
        }
        try CredentialFile.ensureDirectory(folder)
        try CredentialFile.writeAtomically(
            list.pemString,
            to: folder.appendingPathComponent(AllianceFiles.revocationListName),
            mode: CredentialFile.publicMode,
            force: true
        )
        return list
    }

    /// The checkpoint-signing key in a member's certificate, after checking that the alliance CA issued
    /// the certificate and that it names `member`.
    public func verifiedSigningKey(certificatePEM: String, of member: MemberID) async throws -> P256.Signing.PublicKey {
        let certificate: Certificate
        do {
            certificate = try Certificate(pemEncoded: certificatePEM)
        } catch {
            throw HallmarkError(.malformed, "the certificate held for \(member) is not a PEM certificate")
        }
        let named = try await trust.verify(member: certificate)
        guard named == member else {
            throw HallmarkError(.untrustedCredential, "the certificate held for \(member) names \(named)")
        }
        return try certificate.signingPublicKey()
    }
}
