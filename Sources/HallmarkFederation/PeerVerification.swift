import Foundation
import HallmarkCore
import HallmarkPKI
import Logging
import NIOCore
import NIOSSL
import SwiftASN1
import X509

/// Checks the certificate a peer presents during the TLS handshake, both ways: issued by the alliance CA,
/// a member certificate, not expired, not revoked — and, when dialling, the member expected at that address.
///
/// Replaces NIOSSL's default verification so that revocation and the member id are checked before any RPC.
struct PeerVerification: Sendable {
    let trust: AllianceTrust
    let revocations: @Sendable () -> RevocationList?
    let logger: Logger

    typealias Callback = @Sendable ([NIOSSLCertificate], EventLoopPromise<NIOSSLVerificationResultWithMetadata>) -> Void

    /// The handshake callback; `expected` is the member the caller dials, `nil` on the server side.
    func callback(expecting expected: MemberID?) throws -> Callback {
        let anchor = try NIOSSLCertificate(bytes: try trust.certificate.derBytes(), format: .der)
        return { [trust, revocations, logger] certificates, promise in
            Task {
                var presented: Certificate?
                do {
                    guard let first = certificates.first else {
                        throw HallmarkError(.untrustedCredential, "the peer presented no certificate")
                    }
                    let leaf = try Certificate(derEncoded: try first.toDERBytes())
                    presented = leaf
                    let member = try await trust.verify(member: leaf, at: Date(), revocations: revocations())
                    if let expected, member != expected {
                        throw HallmarkError(
                            .untrustedCredential,
                            "expected member \(expected) at this address, the peer is \(member)"
                        )
                    }
                    let chain = ValidatedCertificateChain([first, anchor])
                    promise.succeed(.certificateVerified(VerificationMetadata(chain)))
                } catch {
                    logger.warning(
                        expected == nil ? "refused a client's certificate" : "refused a server's certificate",
                        metadata: Self.describe(presented, expected: expected, error: error)
                    )
                    promise.succeed(.failed)
                }
            }
        }
    }

    /// Who presented a refused certificate, and why it was refused, as log metadata.
    static func describe(_ certificate: Certificate?, expected: MemberID?, error: any Error) -> Logger.Metadata {
        var metadata: Logger.Metadata = [
            "error": "\((error as? HallmarkError)?.description ?? "\(error)")"
        ]
        if let expected { metadata["peer.expected"] = "\(expected)" }
        if let certificate {
            metadata["peer.member"] = "\((try? certificate.memberID().rawValue) ?? "none")"
            metadata["peer.subject"] = "\(certificate.subject)"
            metadata["peer.issuer"] = "\(certificate.issuer)"
            metadata["peer.serial"] = "\(certificate.serialNumber.hexText)"
        }
        return metadata
    }

    /// The revocation list of the two that is newer (higher number), or the one there is.
    static func newest(_ first: RevocationList?, _ second: RevocationList?) -> RevocationList? {
        guard let first else { return second }
        guard let second else { return first }
        return second.number > first.number ? second : first
    }
}
