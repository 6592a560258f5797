import HallmarkCore
import HallmarkPKI
import HallmarkStore
import Logging
import SwiftASN1
import X509

extension MemberNode {
    /// Verifies and commits a batch of another member's log, as received from `sender` (the origin
    /// itself or a relay).
    ///
    /// The origin's certificate must be issued by the alliance CA and name the batch's origin, and the
    /// batch's checkpoint must verify with its key; the store then checks contiguity and the Merkle root.
    /// Nothing is stored unless everything verifies.
    /// - Parameters:
    ///   - batch: Entries of the origin's log with the origin's signed checkpoint that ends them.
    ///   - originCertificatePEM: The origin's member certificate.
    /// - Throws: ``HallmarkError`` naming what does not verify.
    @discardableResult
    public func receive(_ batch: LogBatch, originCertificatePEM: String) async throws -> AppendOutcome {
        let origin = batch.origin
        guard origin != identity.member else {
            throw HallmarkError(.notPermitted, "a batch of this member's own log cannot be received from elsewhere")
        }
        let publicKey = try await identity.verifiedSigningKey(certificatePEM: originCertificatePEM, of: origin)
        try batch.checkpoint.verifySignature(using: publicKey)
        // Recorded with the entries, in their transaction, and only once the batch verifies: an entry is never
        // held without the certificate that proves it, and a forged batch never replaces a certificate.
        var batch = batch
        batch.originCertificate = (
            originCertificatePEM, try Certificate(pemEncoded: originCertificatePEM).sha256Fingerprint().hex
        )
        let outcome = try await store.append(batch)
        if outcome.appended > 0 {
            headUpdates.publish(origin)
            logger.info(
                "received log entries",
                metadata: [
                    "log.origin": "\(origin)", "log.appended": "\(outcome.appended)", "log.size": "\(outcome.treeSize)",
                    "peer": "\(batch.receivedFrom)",
                ]
            )
        }
        return outcome
    }
}
