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
    /// What the server certificate names (its subject alternative names): DNS names, and IP addresses as text
    /// (`127.0.0.1`; IPv6 as eight groups of four hex digits).
    public let names: [String]

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
        self.names = chain[0]._subjectAlternativeNames().compactMap { name in
            let bytes = Array(name.contents)
            switch name.nameType {
            case .dnsName:
                return String(decoding: bytes, as: UTF8.self)
            case .ipAddress where bytes.count == 4:
                return bytes.map(String.init).joined(separator: ".")
            case .ipAddress where bytes.count == 16:
                // Eight groups of four hex digits, each two bytes.
                let hex = bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }
                return (0..<8).map { hex.dropFirst(2 * $0).prefix(2).joined() }.joined(separator: ":")
            default:
                return nil
            }
        }
    }

    /// Whether a client that checks host names accepts this certificate from `host`, the address the API binds: it
    /// must be among ``names``. An API on every address (`0.0.0.0`) is reached by names this node cannot know: true.
    public func serves(host: String) -> Bool {
        host == "0.0.0.0" || names.contains(host)
    }
}
