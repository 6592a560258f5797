import Crypto
import Foundation
import HallmarkCore
import HallmarkPKI
import SwiftASN1
import X509

/// A member node's identity: its alliance-issued certificate and key, the alliance CA it trusts,
/// and the alliance key that digests are made with.
///
/// `hallmark init` checks the files and copies them into the data folder's `identity/`, so that the
/// store never depends on files elsewhere that may move or change.
public struct NodeIdentity: Sendable {
    /// The folder inside the data folder that holds the identity files.
    public static let folderName = "identity"

    /// The member's certificate and key.
    public let credentials: MemberCredentials
    /// The alliance CA.
    public let trust: AllianceTrust
    /// The alliance key.
    public let allianceKey: AllianceKey

    /// This node's member id.
    public var member: MemberID { credentials.memberID }
    /// The key that signs this member's checkpoints.
    public var signingKey: P256.Signing.PrivateKey { credentials.privateKey }
    /// The member certificate in PEM.
    public var certificatePEM: String { (try? credentials.certificatePEM()) ?? "" }
    /// The member certificate's SHA-256 fingerprint in hex.
    public var fingerprint: String { (try? credentials.certificate.sha256Fingerprint().hex) ?? "" }

    /// Loads and checks identity files: the key must match the certificate, and the certificate must be
    /// a member certificate issued by the alliance CA.
    /// - Throws: ``HallmarkError`` naming the file and the problem.
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
        return NodeIdentity(credentials: credentials, trust: trust, allianceKey: key)
    }

    /// Loads the identity installed in a data folder by ``install(into:)``.
    public static func load(installedIn dataDirectory: URL) async throws -> NodeIdentity {
        let folder = dataDirectory.appendingPathComponent(folderName)
        return try await load(
            memberCertificate: folder.appendingPathComponent(AllianceFiles.memberCertificateName),
            memberKey: folder.appendingPathComponent(AllianceFiles.memberKeyName),
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
