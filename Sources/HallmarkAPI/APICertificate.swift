import Foundation
import HallmarkCore
import NIOSSL

/// The certificate chain and private key the HTTP API serves HTTPS with: the member certificate from the data
/// folder, or one configured for the API (`api_tls_certificate`, `api_tls_key`).
///
/// TLS 1.2 is the oldest version accepted, with forward-secret AEAD cipher suites only; TLS 1.3 is negotiated
/// whenever the client offers it.
public struct APICertificate: Sendable {
    /// The certificate chain file (PEM, the server's certificate first).
    public let certificateFile: URL
    /// The private key file (PEM).
    public let keyFile: URL
    /// The server's TLS configuration.
    let tlsConfiguration: TLSConfiguration

    /// TLS 1.2 suites: ECDHE key exchange with AES-GCM or ChaCha20-Poly1305 (TLS 1.3 suites are all of that kind).
    static let tls12CipherSuites = "ECDHE+AESGCM:ECDHE+CHACHA20"

    /// Loads and checks a certificate chain and its key.
    /// - Parameters:
    ///   - certificateFile: The certificate chain, PEM.
    ///   - keyFile: The private key of the first certificate, PEM.
    /// - Throws: ``HallmarkError`` naming the file: `file-problem` when it cannot be read, `malformed` when it is not
    ///   PEM of the right kind, `untrusted-credential` when the key does not belong to the certificate.
    public init(certificateFile: URL, keyFile: URL) throws {
        for file in [certificateFile, keyFile] where !FileManager.default.isReadableFile(atPath: file.path) {
            throw HallmarkError(.fileProblem, "cannot read this file for the HTTP API's HTTPS", location: file.path)
        }
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificateFile.path)
        } catch {
            throw HallmarkError(.malformed, "not a PEM certificate chain (\(error))", location: certificateFile.path)
        }
        guard !chain.isEmpty else {
            throw HallmarkError(.malformed, "holds no PEM certificate", location: certificateFile.path)
        }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: keyFile.path, format: .pem)
        } catch {
            throw HallmarkError(.malformed, "not a PEM private key (\(error))", location: keyFile.path)
        }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) },
            privateKey: .privateKey(key)
        )
        configuration.minimumTLSVersion = .tlsv12
        configuration.cipherSuites = Self.tls12CipherSuites
        do {
            // Made once here so that a key that does not match its certificate stops the node at start.
            _ = try NIOSSLContext(configuration: configuration)
        } catch {
            throw HallmarkError(
                .untrustedCredential,
                "this key cannot serve the certificate \(certificateFile.path) (\(error))",
                location: keyFile.path
            )
        }
        self.certificateFile = certificateFile
        self.keyFile = keyFile
        self.tlsConfiguration = configuration
    }
}
