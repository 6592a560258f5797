import Foundation
import HallmarkCore
import HallmarkPKI
import HallmarkRecords
import HallmarkStore
import Logging
import SwiftASN1
import X509

extension Member {
    /// Cosigns a checkpoint of another origin that this node holds as a checkpoint of that origin's log, unless it
    /// already has (Protocol/log-format.md §5).
    ///
    /// Only what the store holds is cosigned: a checkpoint is stored only once its signature is verified and every
    /// entry it covers has been verified against its root and appended to the one log held, so the cosignature's
    /// statement — verified, and consistent with every checkpoint of the origin held — is true of it. Nothing more of
    /// a quarantined origin is cosigned: it showed another, inconsistent log. A failure is
    /// logged, never thrown: a missing cosignature is made the next time a peer shows the checkpoint.
    /// - Parameter checkpoint: A checkpoint of another origin.
    /// - Returns: The cosignature made, or `nil` when none was needed or possible.
    @discardableResult
    func cosignIfHeld(_ checkpoint: Checkpoint) async -> Cosignature? {
        guard checkpoint.origin != identity.member else { return nil }
        do {
            // A quarantined origin showed another, inconsistent log: nothing more of it is vouched for.
            guard try await store.quarantine(of: checkpoint.origin) == nil,
                try await store.holdsStatement(of: checkpoint) == .log,
                try await !store.cosignatures(of: checkpoint).contains(where: { $0.cosigner == identity.member })
            else { return nil }
            let cosignature = try Cosignature.sign(
                checkpoint,
                cosigner: identity.member,
                time: .now(),
                using: identity.signingKey
            )
            let stored = StoredCosignature(
                cosignature,
                of: checkpoint,
                certificatePEM: identity.certificatePEM,
                receivedFrom: identity.member
            )
            try await store.recordCosignatures([stored])
            metrics.recordCosignatures(made: 1)
            logger.debug(
                "cosigned a checkpoint",
                metadata: ["log.origin": "\(checkpoint.origin)", "checkpoint": "\(checkpoint)"]
            )
            return cosignature
        } catch {
            logger.error(
                "cannot cosign a checkpoint",
                metadata: ["log.origin": "\(checkpoint.origin)", "checkpoint": "\(checkpoint)", "error": "\(error)"]
            )
            return nil
        }
    }

    /// Verifies the cosignatures `peer` offered with `checkpoint` and keeps the valid ones, when this node holds that
    /// checkpoint in its origin's log or in equivocation evidence (who vouched for the other view).
    ///
    /// Each must decode, be by another member than the origin, come with a certificate issued by the alliance CA that
    /// names the cosigner and is neither expired nor revoked now, and verify over the checkpoint with its key. One that
    /// fails is ignored, logged with why, and recorded against `peer` (``HallmarkStore/peerRejections()``): the rest,
    /// and the checkpoint, are unaffected. A cosigner whose cosignature of the checkpoint is already kept is skipped
    /// unchecked. New cosignatures of a checkpoint of the log are announced to watching peers.
    /// - Parameters:
    ///   - offered: The cosignatures as received.
    ///   - checkpoint: The checkpoint they came with; its origin's signature verified.
    ///   - peer: The member that offered them.
    /// - Returns: What was kept, skipped and refused.
    /// - Throws: ``HallmarkError`` `store-problem` when the store cannot be read or written.
    @discardableResult
    public func receiveCosignatures(
        _ offered: [OfferedCosignature],
        of checkpoint: Checkpoint,
        from peer: MemberID
    ) async throws -> CosignatureReceipt {
        var receipt = CosignatureReceipt()
        guard !offered.isEmpty else { return receipt }
        guard let held = try await store.holdsStatement(of: checkpoint) else {
            receipt.skipped = offered.count
            return receipt
        }
        var known = Set(try await store.cosignatures(of: checkpoint).map(\.cosigner.rawValue))
        var verified: [StoredCosignature] = []
        for item in offered {
            guard !known.contains(item.cosigner) else {
                receipt.skipped += 1
                continue
            }
            do {
                verified.append(try await verify(item, of: checkpoint, from: peer))
                known.insert(item.cosigner)
            } catch {
                let reason = (error as? HallmarkError)?.message ?? "\(error)"
                // The peer chose the name: at most a member id's 63 characters of it go into logs and records.
                let cosigner = String(item.cosigner.prefix(63))
                receipt.rejected.append(CosignatureReceipt.Rejection(cosigner: cosigner, reason: reason))
                logger.warning(
                    "ignored a peer's cosignature",
                    metadata: [
                        "peer": "\(peer)", "log.origin": "\(checkpoint.origin)", "cosigner": "\(cosigner)",
                        "checkpoint": "\(checkpoint)", "error": "\(reason)",
                    ]
                )
                await recordRejection(
                    from: peer,
                    origin: checkpoint.origin.rawValue,
                    reason: "cosignature by '\(cosigner)' of \(checkpoint): \(reason)"
                )
            }
        }
        receipt.kept = try await store.recordCosignatures(verified)
        metrics.recordCosignatures(received: receipt.kept, rejected: receipt.rejected.count)
        if receipt.kept > 0, held == .log { headUpdates.publish(checkpoint.origin) }
        return receipt
    }

    /// Decodes and verifies one offered cosignature of `checkpoint`.
    private func verify(
        _ item: OfferedCosignature,
        of checkpoint: Checkpoint,
        from peer: MemberID
    ) async throws -> StoredCosignature {
        let cosigner = try MemberID(item.cosigner)
        guard cosigner != checkpoint.origin else {
            throw HallmarkError(
                .invalidValue,
                "\(cosigner) is the checkpoint's origin; an origin does not cosign itself"
            )
        }
        guard item.seconds <= UInt64(Timestamp.protocolRange.upperBound / 1000) else {
            throw HallmarkError(.invalidValue, "the cosignature's time \(item.seconds) s is after 9999-12-31")
        }
        let cosignature = try Cosignature(
            cosigner: cosigner,
            time: Timestamp(millisecondsSince1970: Int64(item.seconds) * 1000),
            signature: item.signature
        )
        let certificate: Certificate
        do {
            certificate = try Certificate(derEncoded: item.certificateDER)
        } catch {
            throw HallmarkError(.malformed, "the certificate offered for cosigner \(cosigner) does not decode")
        }
        let named = try await identity.trust.verify(member: certificate, at: Date(), revocations: revocations)
        guard named == cosigner else {
            throw HallmarkError(.untrustedCredential, "the certificate offered for cosigner \(cosigner) names \(named)")
        }
        try cosignature.verify(checkpoint, using: try certificate.signingPublicKey())
        return StoredCosignature(
            cosignature,
            of: checkpoint,
            certificatePEM: try certificate.serializeAsPEM().pemString,
            receivedFrom: peer
        )
    }
}
