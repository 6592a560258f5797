import Crypto
import HallmarkCore
import SwiftASN1
import X509

extension Certificate {
    /// The member id in the certificate's `hallmark://member/ID` URI subject alternative name.
    ///
    /// This reads the certificate only; it says nothing about whether the alliance issued it
    /// (see ``AllianceTrust/verify(member:at:)``).
    /// - Throws: ``HallmarkError`` `untrusted-credential` when there is no such URI, more than one, or an invalid id.
    public func memberID() throws -> MemberID {
        let names: SubjectAlternativeNames?
        do {
            names = try extensions.subjectAlternativeNames
        } catch {
            throw HallmarkError(
                .untrustedCredential,
                "certificate '\(subject)' has a subject alternative name extension that does not decode: \(error)"
            )
        }
        let uris = (names ?? SubjectAlternativeNames()).compactMap { name -> String? in
            guard case .uniformResourceIdentifier(let uri) = name, uri.hasPrefix(MemberID.uriPrefix) else { return nil }
            return uri
        }
        guard let uri = uris.first else {
            throw HallmarkError(
                .untrustedCredential,
                "certificate '\(subject)' is not a Hallmark member certificate: "
                    + "it has no '\(MemberID.uriPrefix)ID' URI among its subject alternative names"
            )
        }
        guard uris.count == 1 else {
            throw HallmarkError(
                .untrustedCredential,
                "certificate '\(subject)' names \(uris.count) members (\(uris.joined(separator: ", "))); expected one"
            )
        }
        do {
            return try MemberID(uri: uri)
        } catch let error as HallmarkError {
            throw HallmarkError(.untrustedCredential, "certificate '\(subject)': \(error.message)")
        }
    }

    /// The certificate's P-256 public key: the key that verifies the member's signed checkpoints.
    /// - Throws: ``HallmarkError`` `untrusted-credential` when the key is not P-256.
    public func signingPublicKey() throws -> P256.Signing.PublicKey {
        guard let key = P256.Signing.PublicKey(publicKey) else {
            throw HallmarkError(
                .untrustedCredential,
                "certificate '\(subject)' holds a \(publicKey) key; Hallmark members use ECDSA P-256"
            )
        }
        return key
    }

    /// SHA-256 over the certificate's DER encoding: the value `openssl x509 -fingerprint -sha256` shows.
    /// - Throws: ``HallmarkError`` `malformed` when the certificate cannot be encoded (never for a decoded one).
    public func sha256Fingerprint() throws -> Hash256 {
        Hash256(SHA256.hash(data: try derBytes()))
    }

    /// The certificate's DER encoding, as it travels in the federation protocol.
    /// - Throws: ``HallmarkError`` `malformed` when the certificate cannot be encoded (never for a decoded one).
    public func derBytes() throws -> [UInt8] {
        do {
            var serializer = DER.Serializer()
            try serializer.serialize(self)
            return serializer.serializedBytes
        } catch {
            throw HallmarkError(.malformed, "certificate '\(subject)' cannot be encoded: \(error)")
        }
    }

    /// The first common name (CN) in the subject, if any.
    public var subjectCommonName: String? { subject.firstValue(of: .RDNAttributeType.commonName) }

    /// The first organization name (O) in the subject, if any.
    public var subjectOrganizationName: String? { subject.firstValue(of: .RDNAttributeType.organizationName) }
}

extension DistinguishedName {
    fileprivate func firstValue(of type: ASN1ObjectIdentifier) -> String? {
        for rdn in self {
            for attribute in rdn where attribute.type == type {
                if let value = String(attribute.value) { return value }
            }
        }
        return nil
    }
}
