import Foundation
import HallmarkCore
import HallmarkProtocol
import SwiftASN1
import X509

/// A peer's advertised head checked on its own (Protocol/PROTOCOL.md §4.2 steps 1–2), before anything is fetched: a
/// valid origin, within the size limits, a checkpoint that decodes and is that origin's, a certificate that decodes.
/// Whether the alliance vouches for the certificate and the signature verifies is the member layer's check
/// (``Member/checkOffered(_:originCertificatePEM:from:)``).
struct HeadCheck {
    let origin: MemberID
    let checkpoint: Checkpoint
    let certificatePEM: String

    init(_ head: Hallmark_V1_OriginHead) throws {
        do {
            origin = try MemberID(head.origin)
        } catch let error as HallmarkError {
            throw HallmarkError(.malformed, "the peer offers a head for an invalid origin: \(error.message)")
        }
        guard head.checkpoint.count <= Checkpoint.maxEncodedSize,
            head.certificateDer.count <= FederationLimits.maximumCertificateBytes
        else {
            throw HallmarkError(
                .malformed,
                "the head of \(origin) is over the size limits (checkpoint \(head.checkpoint.count) bytes, "
                    + "certificate \(head.certificateDer.count) bytes)"
            )
        }
        do {
            checkpoint = try Checkpoint(decoding: head.checkpoint)
        } catch let error as HallmarkError {
            throw HallmarkError(.malformed, "the checkpoint offered for \(origin) does not decode: \(error)")
        }
        guard checkpoint.origin == origin else {
            throw HallmarkError(.malformed, "the head for \(origin) carries a checkpoint of \(checkpoint.origin)")
        }
        do {
            certificatePEM = try Certificate(derEncoded: Array(head.certificateDer)).serializeAsPEM().pemString
        } catch {
            throw HallmarkError(.malformed, "the certificate offered for \(origin) does not decode")
        }
    }
}
