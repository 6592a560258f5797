import Crypto
import Foundation
import HallmarkCore
import SwiftASN1
import X509

/// A member's identity: its certificate, the matching private key, and the member id and name the certificate
/// states.
///
/// Holding credentials says nothing about whether the alliance vouches for them: check the certificate with
/// ``AllianceTrust/verify(member:at:)``.
public struct MemberCredentials: Sendable {
    /// The member's certificate, issued by the alliance CA.
    public let certificate: Certificate
    /// The key of ``certificate``: authenticates the member in TLS and signs its checkpoints.
    public let privateKey: P256.Signing.PrivateKey
    /// The member id from the certificate's `hallmark://member/ID` URI.
    public let memberID: MemberID
    /// The member's display name: the certificate's common name (CN), or the member id when there is none.
    public let name: String

    /// Pairs a member certificate with its private key, checking that they belong together.
    /// - Parameters:
    ///   - certificate: A certificate with a P-256 key and a `hallmark://member/ID` URI subject alternative name.
    ///   - privateKey: The private key of that certificate.
    /// - Throws: ``HallmarkError`` `untrusted-credential` when the certificate names no member, its key is not
    ///   P-256, or the private key is not its key.
    public init(certificate: Certificate, privateKey: P256.Signing.PrivateKey) throws {
        let memberID = try certificate.memberID()
        let publicKey = try certificate.signingPublicKey()
        guard publicKey.x963Representation == privateKey.publicKey.x963Representation else {
            throw HallmarkError(
                .untrustedCredential,
                "the private key does not match the certificate of member '\(memberID)' ('\(certificate.subject)'); "
                    + "use the key file that was written with that certificate"
            )
        }
        self.certificate = certificate
        self.privateKey = privateKey
        self.memberID = memberID
        self.name = certificate.subjectCommonName ?? memberID.rawValue
    }

    /// Loads a member certificate and its key from PEM files.
    /// - Parameters:
    ///   - certificateFile: The member certificate (`member.pem`).
    ///   - keyFile: The member private key (`member-key.pem`), PKCS#8 or SEC 1.
    /// - Throws: ``HallmarkError`` located at the file at fault: `file-problem` when a file is missing or
    ///   unreadable; `malformed` when it is not PEM, not a certificate, or not a P-256 key; `untrusted-credential`
    ///   when the certificate names no member or the key does not match the certificate.
    public static func load(certificateFile: URL, keyFile: URL) throws -> MemberCredentials {
        let certificate = try CredentialFile.readCertificate(certificateFile, what: "member certificate")
        let memberID: MemberID
        let publicKey: P256.Signing.PublicKey
        do {
            memberID = try certificate.memberID()
            publicKey = try certificate.signingPublicKey()
        } catch let error as HallmarkError {
            throw error.at(certificateFile.path)
        }
        let key = try CredentialFile.readPrivateKey(keyFile, what: "member private key")
        guard publicKey.x963Representation == key.publicKey.x963Representation else {
            throw HallmarkError(
                .untrustedCredential,
                "this private key does not match the certificate in \(certificateFile.path) (member '\(memberID)'); "
                    + "use the key file that was written with that certificate",
                location: keyFile.path
            )
        }
        return try MemberCredentials(certificate: certificate, privateKey: key)
    }

    /// The certificate as PEM (`BEGIN CERTIFICATE`).
    /// - Throws: ``HallmarkError`` `malformed` when the certificate cannot be encoded (never for a decoded one).
    public func certificatePEM() throws -> String {
        try CredentialFile.pemText(certificate)
    }

    /// The private key as PKCS#8 PEM (`BEGIN PRIVATE KEY`). Secret: write it owner-readable only.
    public var privateKeyPEM: String { CredentialFile.pemText(privateKey) }
}
