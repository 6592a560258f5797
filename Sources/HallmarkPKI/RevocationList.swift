import Crypto
import Foundation
import HallmarkCore
import SwiftASN1
import X509

/// The alliance's revocation list: the member certificates the CA revoked, signed by the CA.
///
/// It is an RFC 5280 certificate revocation list (CRL), so `openssl crl -CAfile ca.pem` checks it too; each entry
/// also names its member (`Protocol/revocation.md`). A value of this type has always been checked against the
/// alliance CA: it is made only by reading a list and verifying its signature, or by signing one.
///
/// A revoked member is refused for connections from its revocation time on, and its checkpoints signed at or after
/// that time are rejected; its earlier checkpoints stay valid and are marked with the ``Revocation``.
/// A list past its ``nextUpdate`` still counts: an outdated list revokes no less, it may only miss newer entries.
public struct RevocationList: Sendable {
    /// The list number: each list the CA signs has a number one higher than the one before.
    public let number: UInt64
    /// When the CA signed the list (`thisUpdate`).
    public let issued: Date
    /// When the CA will have signed a newer list by (`nextUpdate`).
    public let nextUpdate: Date
    /// The revoked certificates, in the order of the list (Hallmark writes them by revocation time).
    public let revocations: [Revocation]
    /// The CA that issued the list, as its certificate's subject.
    public let issuer: DistinguishedName
    /// The SHA-256 fingerprint of the CA certificate the list was verified against.
    public let caFingerprint: Hash256
    /// The list as DER bytes, exactly as signed.
    public let derBytes: [UInt8]

    /// How long a new list is valid by default, that is how soon the CA promises a newer one: 30 days.
    public static let defaultValidity: TimeInterval = 30 * 86_400

    /// Reads a DER revocation list and checks that the alliance CA signed it.
    /// - Parameters:
    ///   - derBytes: The list, as RFC 5280 `CertificateList` DER.
    ///   - trust: The alliance CA.
    /// - Throws: ``HallmarkError`` `malformed` when the bytes are not a Hallmark revocation list;
    ///   `untrusted-credential` when another CA or another key issued it; `bad-signature` when its signature does
    ///   not verify with the CA's key (it was altered).
    public init(derEncoded derBytes: [UInt8], trust: AllianceTrust) throws {
        let parsed = try RevocationListContents.parse(derBytes)
        let contents = parsed.contents
        let ca = trust.certificate
        guard contents.issuer == ca.subject else {
            throw HallmarkError(
                .untrustedCredential,
                "the revocation list was issued by '\(contents.issuer)', not by the alliance CA '\(ca.subject)'"
            )
        }
        if let listKeyID = contents.authorityKeyIdentifier, listKeyID != Self.keyIdentifier(of: ca) {
            throw HallmarkError(
                .untrustedCredential,
                "the revocation list names a signing key that is not the alliance CA's key (a CA with the same name?)"
            )
        }
        guard let caKey = P256.Signing.PublicKey(ca.publicKey) else {
            throw HallmarkError(
                .untrustedCredential,
                "the alliance CA '\(ca.subject)' holds a \(ca.publicKey) key; Hallmark revocation lists use ECDSA P-256"
            )
        }
        guard let signature = try? P256.Signing.ECDSASignature(derRepresentation: parsed.signature) else {
            throw HallmarkError(.badSignature, "the revocation list's signature is not a DER ECDSA signature")
        }
        guard caKey.isValidSignature(signature, for: parsed.signedBytes) else {
            throw HallmarkError(
                .badSignature,
                "the revocation list's signature does not verify with the alliance CA's key: "
                    + "the list was altered or signed by another key"
            )
        }
        self.number = contents.number
        self.issued = contents.issued
        self.nextUpdate = contents.nextUpdate
        self.revocations = contents.revocations
        self.issuer = contents.issuer
        self.caFingerprint = trust.fingerprint
        self.derBytes = derBytes
    }

    /// Reads a PEM revocation list (`BEGIN X509 CRL`) and checks that the alliance CA signed it.
    /// - Parameters:
    ///   - pemEncoded: The PEM text, holding exactly one list.
    ///   - trust: The alliance CA.
    /// - Throws: ``HallmarkError`` as ``init(derEncoded:trust:)``, and `malformed` when the text is not one PEM list.
    public init(pemEncoded: String, trust: AllianceTrust) throws {
        let documents: [PEMDocument]
        do {
            documents = try PEMDocument.parseMultiple(pemString: pemEncoded)
        } catch {
            throw HallmarkError(.malformed, "not a valid PEM revocation list: \(error)")
        }
        guard documents.count == 1, let document = documents.first else {
            throw HallmarkError(
                .malformed,
                documents.isEmpty
                    ? "not a PEM revocation list (no '-----BEGIN \(Self.pemDiscriminator)-----' line)"
                    : "holds \(documents.count) PEM blocks; expected exactly one revocation list"
            )
        }
        guard document.discriminator == Self.pemDiscriminator else {
            throw HallmarkError(
                .malformed,
                "holds a PEM '\(document.discriminator)', not a revocation list "
                    + "(expected '-----BEGIN \(Self.pemDiscriminator)-----')"
            )
        }
        try self.init(derEncoded: document.derBytes, trust: trust)
    }

    /// Loads a PEM revocation list from a file (such as `revocations.pem`) and checks that the alliance CA signed it.
    /// - Parameters:
    ///   - file: The list file.
    ///   - trust: The alliance CA.
    /// - Throws: ``HallmarkError`` located at the file: `file-problem` when it is missing or unreadable, otherwise
    ///   as ``init(pemEncoded:trust:)``.
    public static func load(file: URL, trust: AllianceTrust) throws -> RevocationList {
        let text = try CredentialFile.readText(file, what: "revocation list")
        do {
            return try RevocationList(pemEncoded: text, trust: trust)
        } catch let error as HallmarkError {
            throw error.at(file.path)
        }
    }

    /// The PEM label of a revocation list, as OpenSSL writes it.
    public static let pemDiscriminator = "X509 CRL"

    /// The list as PEM text (`BEGIN X509 CRL`), ending with a line break.
    public var pemString: String {
        let text = PEMDocument(type: Self.pemDiscriminator, derBytes: derBytes).pemString
        return text.hasSuffix("\n") ? text : text + "\n"
    }

    /// The entry that revokes a certificate, if any, whatever its revocation time.
    ///
    /// A certificate is matched by its issuer and serial number, as RFC 5280 does; not by member id, so that a
    /// member's new certificate is not caught by the revocation of its old one.
    /// - Parameter certificate: A member certificate.
    public func revocation(of certificate: Certificate) -> Revocation? {
        guard certificate.issuer == issuer else { return nil }
        return revocation(serialNumber: certificate.serialNumber)
    }

    /// The entry for a serial number of the alliance CA, if any.
    /// - Parameter serialNumber: The certificate's serial number.
    public func revocation(serialNumber: Certificate.SerialNumber) -> Revocation? {
        revocations.first { $0.serialNumber == serialNumber }
    }

    /// All entries for a member's certificates, in the order of the list.
    /// - Parameter member: The member id.
    public func revocations(of member: MemberID) -> [Revocation] {
        revocations.filter { $0.memberID == member }
    }

    /// Whether a certificate is revoked at `time`: it is on the list with a revocation time at or before `time`.
    /// - Parameters:
    ///   - certificate: A member certificate.
    ///   - time: Now for a connection; the signing time for a checkpoint.
    public func isRevoked(_ certificate: Certificate, at time: Date) -> Bool {
        revocation(of: certificate)?.isInEffect(at: time) ?? false
    }

    /// Whether the list is past its ``nextUpdate`` at `time`, so that a newer one should have been published.
    /// - Parameter time: The time to judge at, usually now.
    public func isOutdated(at time: Date = Date()) -> Bool {
        time > nextUpdate
    }

    /// The key identifier a list names for the CA: the CA certificate's subject key identifier, or the RFC 5280
    /// SHA-1 hash of its key when it has none (as ``AllianceAuthority`` does for member certificates).
    static func keyIdentifier(of ca: Certificate) -> ArraySlice<UInt8> {
        (try? ca.extensions.subjectKeyIdentifier)?.keyIdentifier
            ?? SubjectKeyIdentifier(hash: ca.publicKey).keyIdentifier
    }
}
