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
                do {
                    guard let presented = certificates.first else {
                        throw HallmarkError(.untrustedCredential, "the peer presented no certificate")
                    }
                    let leaf = try Certificate(derEncoded: try presented.toDERBytes())
                    let member = try await trust.verify(member: leaf, at: Date(), revocations: revocations())
                    if let expected, member != expected {
                        throw HallmarkError(
                            .untrustedCredential,
                            "expected member \(expected) at this address, the peer is \(member)"
                        )
                    }
                    let chain = ValidatedCertificateChain([presented, anchor])
                    promise.succeed(.certificateVerified(VerificationMetadata(chain)))
                } catch {
                    logger.warning(
                        "refused a peer's certificate",
                        metadata: ["peer.expected": "\(expected?.rawValue ?? "any member")", "error": "\(error)"]
                    )
                    promise.succeed(.failed)
                }
            }
        }
    }
}
