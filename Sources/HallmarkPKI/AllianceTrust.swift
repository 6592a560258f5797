import Crypto
import Foundation
import HallmarkCore
import SwiftASN1
@_spi(FixedExpiryValidationTime) import X509

/// What a node trusts: the alliance CA certificate, against which it checks every member certificate.
public struct AllianceTrust: Sendable {
    /// The alliance CA certificate.
    public let certificate: Certificate
    /// The SHA-256 fingerprint of ``certificate``, for people to compare out of band.
    public let fingerprint: Hash256

    /// Trusts a CA certificate.
    /// - Parameter certificate: A self-signed certificate with basic constraints `CA:TRUE`.
    /// - Throws: ``HallmarkError`` `untrusted-credential` when the certificate is not a self-signed CA certificate.
    public init(certificate: Certificate) throws {
        guard case .isCertificateAuthority = try? certificate.extensions.basicConstraints else {
            throw HallmarkError(
                .untrustedCredential,
                "certificate '\(certificate.subject)' is not a CA certificate (no basic constraints CA:TRUE)"
            )
        }
        if let usage = try? certificate.extensions.keyUsage, !usage.keyCertSign {
            throw HallmarkError(
                .untrustedCredential,
                "CA certificate '\(certificate.subject)' may not sign certificates (its key usage lacks keyCertSign)"
            )
        }
        guard certificate.issuer == certificate.subject,
            certificate.publicKey.isValidSignature(certificate.signature, for: certificate)
        else {
            throw HallmarkError(
                .untrustedCredential,
                "certificate '\(certificate.subject)' is not self-signed; the alliance CA must be a root certificate"
            )
        }
        self.certificate = certificate
        self.fingerprint = try certificate.sha256Fingerprint()
    }

    /// Loads the alliance CA certificate from a PEM file.
    /// - Parameter caFile: The CA certificate (`ca.pem`).
    /// - Throws: ``HallmarkError`` located at the file: `file-problem` when it is missing or unreadable, `malformed`
    ///   when it is not a PEM certificate, `untrusted-credential` when it is not a self-signed CA certificate.
    public static func load(caFile: URL) throws -> AllianceTrust {
        let certificate = try CredentialFile.readCertificate(caFile, what: "alliance CA certificate")
        do {
            return try AllianceTrust(certificate: certificate)
        } catch let error as HallmarkError {
            throw error.at(caFile.path)
        }
    }

    /// The alliance's name: the CA certificate's organization (O), or its common name when it has none.
    public var allianceName: String {
        certificate.subjectOrganizationName ?? certificate.subjectCommonName ?? "\(certificate.subject)"
    }

    /// Checks that the alliance CA issued a member certificate that is valid at `time` for Hallmark's uses, and
    /// returns the member it names.
    ///
    /// The certificate must name exactly one member (`hallmark://member/ID` URI), be signed by the alliance CA,
    /// be within its validity period, allow digital signatures, server and client authentication, not be a CA,
    /// hold a P-256 key, and pass RFC 5280 path validation to the CA.
    /// - Parameters:
    ///   - certificate: The member certificate, as presented by a peer or read from a file.
    ///   - time: The time at which it must be valid.
    /// - Returns: The member id from the certificate.
    /// - Throws: ``HallmarkError`` `untrusted-credential` naming the certificate and what is wrong.
    public func verify(member certificate: Certificate, at time: Date = Date()) async throws -> MemberID {
        let memberID = try certificate.memberID()
        let label = "certificate of member '\(memberID)' ('\(certificate.subject)')"
        func untrusted(_ why: String) -> HallmarkError {
            HallmarkError(.untrustedCredential, "\(label) \(why)")
        }

        guard certificate.issuer == self.certificate.subject,
            self.certificate.publicKey.isValidSignature(certificate.signature, for: certificate)
        else {
            throw untrusted(
                "was not issued by the alliance CA '\(allianceName)' (it names issuer '\(certificate.issuer)')"
            )
        }
        if case .isCertificateAuthority = try? certificate.extensions.basicConstraints {
            throw untrusted("is a CA certificate, not a member certificate")
        }
        if time < certificate.notValidBefore {
            throw untrusted("is not valid until \(certificate.notValidBefore.ISO8601Format())")
        }
        if time > certificate.notValidAfter {
            throw untrusted("expired on \(certificate.notValidAfter.ISO8601Format())")
        }
        if time > self.certificate.notValidAfter {
            throw untrusted(
                "was issued by an alliance CA that expired on \(self.certificate.notValidAfter.ISO8601Format())"
            )
        }
        if time < self.certificate.notValidBefore {
            throw untrusted(
                "was issued by an alliance CA that is not valid until \(self.certificate.notValidBefore.ISO8601Format())"
            )
        }
        try checkUsage(of: certificate, untrusted: untrusted)
        _ = try certificate.signingPublicKey()

        var verifier = Verifier(rootCertificates: CertificateStore([self.certificate])) {
            RFC5280Policy(fixedExpiryValidationTime: time)
        }
        switch await verifier.validate(leaf: certificate, intermediates: CertificateStore()) {
        case .validCertificate:
            return memberID
        case .couldNotValidate(let failures):
            let reasons = failures.map { "\($0.policyFailureReason)" }
            throw untrusted(
                "does not validate against the alliance CA: "
                    + (reasons.isEmpty ? "no valid path to the CA" : reasons.joined(separator: "; "))
            )
        }
    }

    /// Digital signatures (checkpoints), server and client authentication (mutual TLS).
    private func checkUsage(of certificate: Certificate, untrusted: (String) -> HallmarkError) throws {
        let keyUsage: KeyUsage?
        let extendedKeyUsage: ExtendedKeyUsage?
        do {
            keyUsage = try certificate.extensions.keyUsage
            extendedKeyUsage = try certificate.extensions.extendedKeyUsage
        } catch {
            throw untrusted("has a key usage extension that does not decode: \(error)")
        }
        if let keyUsage, !keyUsage.digitalSignature {
            throw untrusted("has the wrong usage: its key usage does not allow digital signatures")
        }
        guard let extendedKeyUsage else {
            throw untrusted("has the wrong usage: it has no extended key usage (needs serverAuth and clientAuth)")
        }
        let missing = [("serverAuth", ExtendedKeyUsage.Usage.serverAuth), ("clientAuth", .clientAuth)]
            .filter { !extendedKeyUsage.contains($0.1) }
            .map(\.0)
        guard missing.isEmpty else {
            throw untrusted(
                "has the wrong usage: its extended key usage lacks \(missing.joined(separator: " and "))"
            )
        }
    }
}
