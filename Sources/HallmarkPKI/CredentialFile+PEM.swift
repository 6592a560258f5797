import Crypto
import Foundation
import HallmarkCore
import SwiftASN1
import X509

extension CredentialFile {
    /// Reads a file holding exactly one PEM certificate.
    /// - Parameters:
    ///   - url: The file.
    ///   - what: What the certificate is, for error messages, such as `alliance CA certificate`.
    /// - Throws: ``HallmarkError`` located at the path: `file-problem` when the file is missing or unreadable,
    ///   `malformed` when it is not PEM, holds something else or does not decode.
    static func readCertificate(_ url: URL, what: String) throws -> Certificate {
        let path = url.path
        let document = try readSinglePEM(url, what: what, expected: "CERTIFICATE")
        guard document.discriminator == "CERTIFICATE" else {
            throw HallmarkError(
                .malformed,
                "holds a PEM '\(document.discriminator)', not a certificate (expected '-----BEGIN CERTIFICATE-----')",
                location: path
            )
        }
        do {
            return try Certificate(derEncoded: document.derBytes)
        } catch {
            throw HallmarkError(.malformed, "the certificate does not decode: \(error)", location: path)
        }
    }

    /// Reads a file holding one PEM P-256 private key, PKCS#8 (`BEGIN PRIVATE KEY`) or SEC 1 (`BEGIN EC PRIVATE KEY`).
    /// - Parameters:
    ///   - url: The file.
    ///   - what: What the key is, for error messages, such as `member private key`.
    /// - Throws: ``HallmarkError`` located at the path: `file-problem` when the file is missing or unreadable,
    ///   `malformed` when it is not PEM, not a private key, or not a P-256 key.
    static func readPrivateKey(_ url: URL, what: String) throws -> P256.Signing.PrivateKey {
        let path = url.path
        let document = try readSinglePEM(url, what: what, expected: "PRIVATE KEY")
        switch document.discriminator {
        case "PRIVATE KEY", "EC PRIVATE KEY":
            do {
                return try P256.Signing.PrivateKey(derRepresentation: document.derBytes)
            } catch {
                throw HallmarkError(
                    .malformed,
                    "not a P-256 private key (Hallmark keys are ECDSA P-256, unencrypted PKCS#8 PEM)",
                    location: path
                )
            }
        case "ENCRYPTED PRIVATE KEY":
            throw HallmarkError(
                .malformed,
                "the private key is encrypted; Hallmark needs an unencrypted PKCS#8 key protected by file permissions",
                location: path
            )
        case "CERTIFICATE":
            throw HallmarkError(.malformed, "holds a certificate, not a private key", location: path)
        default:
            throw HallmarkError(
                .malformed,
                "holds a PEM '\(document.discriminator)', not a P-256 private key (expected '-----BEGIN PRIVATE KEY-----')",
                location: path
            )
        }
    }

    /// A certificate as PEM text (`BEGIN CERTIFICATE`), ending with a line break.
    /// - Throws: ``HallmarkError`` `malformed` when the certificate cannot be encoded (never for a decoded one).
    static func pemText(_ certificate: Certificate) throws -> String {
        do {
            return endingWithNewline(try certificate.serializeAsPEM().pemString)
        } catch {
            throw HallmarkError(.malformed, "certificate '\(certificate.subject)' cannot be encoded: \(error)")
        }
    }

    /// A private key as PKCS#8 PEM text (`BEGIN PRIVATE KEY`), ending with a line break.
    static func pemText(_ key: P256.Signing.PrivateKey) -> String {
        endingWithNewline(key.pemRepresentation)
    }

    private static func endingWithNewline(_ text: String) -> String {
        text.hasSuffix("\n") ? text : text + "\n"
    }

    private static func readSinglePEM(_ url: URL, what: String, expected: String) throws -> PEMDocument {
        let path = url.path
        let text = try readText(url, what: what)
        let documents: [PEMDocument]
        do {
            documents = try PEMDocument.parseMultiple(pemString: text)
        } catch {
            throw HallmarkError(.malformed, "not a valid PEM file: \(error)", location: path)
        }
        guard let document = documents.first else {
            throw HallmarkError(
                .malformed,
                "not a PEM \(what) file (no '-----BEGIN \(expected)-----' line)",
                location: path
            )
        }
        guard documents.count == 1 else {
            throw HallmarkError(
                .malformed,
                "holds \(documents.count) PEM blocks; expected exactly one \(what)",
                location: path
            )
        }
        return document
    }
}
