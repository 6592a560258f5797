import Crypto
import Foundation
import HallmarkCore
import SwiftASN1
import X509

/// The alliance's certificate authority: its self-signed CA certificate and the P-256 key that issues member
/// certificates.
///
/// The key is meant to live offline; a node never needs it, only ``AllianceTrust`` (the certificate alone).
public struct AllianceAuthority: Sendable {
    /// The self-signed CA certificate that every member trusts.
    public let certificate: Certificate
    /// The CA's signing key.
    public let privateKey: P256.Signing.PrivateKey

    /// How long a new CA certificate is valid by default: ten years.
    public static let defaultValidity: TimeInterval = 3652 * 86_400
    /// How long a new member certificate is valid by default: two years.
    public static let defaultMemberValidity: TimeInterval = 730 * 86_400
    /// How far before its issuing time a certificate becomes valid, so that a peer whose clock is a little behind
    /// accepts it at once.
    public static let clockSkewAllowance: TimeInterval = 5 * 60

    /// The alliance's name: the CA certificate's organization (O), or its common name when it has none.
    public var name: String {
        certificate.subjectOrganizationName ?? certificate.subjectCommonName ?? "\(certificate.subject)"
    }

    /// Pairs a CA certificate with its key, checking that they belong together.
    /// - Parameters:
    ///   - certificate: A CA certificate (basic constraints `CA:TRUE`) with a P-256 key.
    ///   - privateKey: The private key of that certificate.
    /// - Throws: ``HallmarkError`` `untrusted-credential` when the certificate is not a CA or the key is not its key.
    public init(certificate: Certificate, privateKey: P256.Signing.PrivateKey) throws {
        guard case .isCertificateAuthority = try? certificate.extensions.basicConstraints else {
            throw HallmarkError(
                .untrustedCredential,
                "certificate '\(certificate.subject)' is not a CA certificate (no basic constraints CA:TRUE)"
            )
        }
        guard Certificate.PublicKey(privateKey.publicKey) == certificate.publicKey else {
            throw HallmarkError(
                .untrustedCredential,
                "the private key does not match the CA certificate '\(certificate.subject)'"
            )
        }
        self.certificate = certificate
        self.privateKey = privateKey
    }

    /// Creates a new alliance CA: a fresh P-256 key and a self-signed certificate for it.
    /// - Parameters:
    ///   - name: The alliance's name, used as the CA's common name (CN) and organization (O).
    ///   - validity: How long the certificate is valid, from `now`.
    ///   - now: The issuing time; the certificate is valid from ``clockSkewAllowance`` before it.
    /// - Throws: ``HallmarkError`` `invalid-value` for an empty or over-long name or a non-positive validity.
    public static func create(
        name: String,
        validity: TimeInterval = defaultValidity,
        now: Date = Date()
    ) throws -> AllianceAuthority {
        let name = try checkedName(name, what: "alliance name")
        try checkValidity(validity)
        let key = P256.Signing.PrivateKey()
        let publicKey = Certificate.PublicKey(key.publicKey)
        let subject = try DistinguishedName {
            OrganizationName(name)
            CommonName(name)
        }
        let extensions = try Certificate.Extensions {
            Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
            Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            SubjectKeyIdentifier(hash: publicKey)
        }
        let certificate = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: publicKey,
            notValidBefore: now - clockSkewAllowance,
            notValidAfter: now + validity,
            issuer: subject,
            subject: subject,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: extensions,
            issuerPrivateKey: Certificate.PrivateKey(key)
        )
        return try AllianceAuthority(certificate: certificate, privateKey: key)
    }

    /// Issues a member certificate with a fresh P-256 key.
    ///
    /// The certificate serves both ends of mutual TLS (server and client auth) and its key signs the member's
    /// checkpoints. Its subject alternative names are the member's URI `hallmark://member/ID` and the hosts its node
    /// is reached at. It never outlives the CA certificate: the validity is shortened to the CA's expiry if needed.
    /// - Parameters:
    ///   - id: The member's id.
    ///   - name: The member's display name (organization), used as the certificate's common name (CN).
    ///   - hosts: DNS names and IPv4/IPv6 addresses of the member's node; may be empty for a client-only member.
    ///   - validity: How long the certificate is valid, from `now`.
    ///   - now: The issuing time; the certificate is valid from ``clockSkewAllowance`` before it.
    /// - Throws: ``HallmarkError`` `invalid-value` for a bad name, host or validity; `untrusted-credential` when the
    ///   CA certificate has expired or is not yet valid at `now`.
    public func issueMember(
        id: MemberID,
        name: String,
        hosts: [String],
        validity: TimeInterval = defaultMemberValidity,
        now: Date = Date()
    ) throws -> MemberCredentials {
        let memberName = try Self.checkedName(name, what: "member name")
        try Self.checkValidity(validity)
        guard now <= certificate.notValidAfter else {
            throw HallmarkError(
                .untrustedCredential,
                "the alliance CA certificate expired on \(certificate.notValidAfter); create a new alliance CA"
            )
        }
        guard now >= certificate.notValidBefore else {
            throw HallmarkError(
                .untrustedCredential,
                "the alliance CA certificate is not valid before \(certificate.notValidBefore); check the clock"
            )
        }

        var names: [GeneralName] = []
        for host in hosts {
            let name = try HostName.generalName(for: host)
            if !names.contains(name) { names.append(name) }
        }
        names.append(.uniformResourceIdentifier(id.uri))

        let key = P256.Signing.PrivateKey()
        let publicKey = Certificate.PublicKey(key.publicKey)
        let authorityKeyID =
            (try? certificate.extensions.subjectKeyIdentifier)?.keyIdentifier
            ?? SubjectKeyIdentifier(hash: certificate.publicKey).keyIdentifier
        let subject = try DistinguishedName {
            OrganizationName(self.name)
            CommonName(memberName)
        }
        let extensions = try Certificate.Extensions {
            Critical(KeyUsage(digitalSignature: true))
            try ExtendedKeyUsage([.serverAuth, .clientAuth])
            SubjectAlternativeNames(names)
            AuthorityKeyIdentifier(keyIdentifier: authorityKeyID)
        }
        let memberCertificate = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: publicKey,
            notValidBefore: max(now - Self.clockSkewAllowance, certificate.notValidBefore),
            notValidAfter: min(now + validity, certificate.notValidAfter),
            issuer: certificate.subject,
            subject: subject,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: extensions,
            issuerPrivateKey: Certificate.PrivateKey(privateKey)
        )
        return try MemberCredentials(certificate: memberCertificate, privateKey: key)
    }

    /// Loads the CA certificate and key from PEM files.
    /// - Parameters:
    ///   - certificateFile: The CA certificate (`ca.pem`).
    ///   - keyFile: The CA private key (`ca-key.pem`).
    /// - Throws: ``HallmarkError`` located at the file at fault: `file-problem`, `malformed`, or
    ///   `untrusted-credential` when the certificate is not a CA or the key does not match it.
    public static func load(certificateFile: URL, keyFile: URL) throws -> AllianceAuthority {
        let certificate = try CredentialFile.readCertificate(certificateFile, what: "alliance CA certificate")
        let key = try CredentialFile.readPrivateKey(keyFile, what: "alliance CA private key")
        do {
            _ = try AllianceTrust(certificate: certificate)
        } catch let error as HallmarkError {
            throw error.at(certificateFile.path)
        }
        do {
            return try AllianceAuthority(certificate: certificate, privateKey: key)
        } catch let error as HallmarkError {
            // The certificate passed as a CA above, so what is wrong is the key.
            throw error.at(keyFile.path)
        }
    }

    /// A name for a certificate subject: trimmed, 1–64 characters (the X.520 limit), no control characters.
    static func checkedName(_ name: String, what: String) throws -> String {
        let trimmed = name.trimmingASCIIWhitespace()
        guard !trimmed.isEmpty else { throw HallmarkError(.invalidValue, "the \(what) is empty") }
        guard trimmed.count <= 64 else {
            throw HallmarkError(.invalidValue, "the \(what) is \(trimmed.count) characters; at most 64 are allowed")
        }
        guard !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw HallmarkError(.invalidValue, "the \(what) contains control characters")
        }
        return trimmed
    }

    private static func checkValidity(_ validity: TimeInterval) throws {
        guard validity.isFinite, validity > 0 else {
            throw HallmarkError(.invalidValue, "the validity must be a positive duration, got \(validity) seconds")
        }
    }
}
