import Foundation
import HallmarkCore
import HallmarkPKI
import HallmarkRecords
import HallmarkStore
import SwiftASN1
import X509

extension Member {
    /// What this node holds about `origin` (``HeldOrigin``): its log size, latest checkpoint and cosigners,
    /// certificate and revocation state, quarantine, and every piece of equivocation evidence with both checkpoints
    /// and their cosignatures. It only reads the store: safe beside a running node.
    /// - Throws: ``HallmarkError`` `not-found` when this node holds nothing of `origin` (no log, certificate or
    ///   evidence).
    public func auditOrigin(_ origin: MemberID) async throws -> HeldOrigin {
        let head = try await store.logHead(of: origin)
        let pem = try await store.memberCertificatePEM(origin)
        let evidence = try await store.equivocations(of: origin)
        guard head != nil || pem != nil || !evidence.isEmpty else {
            throw HallmarkError(.notFound, "this node holds nothing of \(origin): no log, certificate or evidence")
        }
        var latest: HeldOrigin.WitnessedCheckpoint?
        if let checkpoint = try await store.latestCheckpoint(of: origin) {
            latest = try await witnessed(checkpoint, receipt: try await receipt(of: checkpoint))
        }
        var equivocations: [HeldOrigin.Equivocation] = []
        for item in evidence {
            var held: HeldOrigin.WitnessedCheckpoint?
            if let bytes = item.heldCheckpoint {
                let checkpoint = try Checkpoint(decoding: bytes)
                held = try await witnessed(checkpoint, receipt: try await receipt(of: checkpoint))
            }
            let offered = try Checkpoint(decoding: item.offeredCheckpoint)
            equivocations.append(
                HeldOrigin.Equivocation(
                    evidence: item,
                    held: held,
                    offered: try await witnessed(offered, receipt: (item.peer, item.detectedAt))
                )
            )
        }
        return HeldOrigin(
            origin: origin,
            logSize: head?.treeSize ?? 0,
            latestCheckpoint: latest,
            certificate: try pem.map(Self.originCertificate),
            revocation: try await originRevocations([origin])[origin],
            quarantine: try await store.quarantine(of: origin),
            clearedQuarantines: try await store.quarantineClearances(of: origin),
            equivocations: equivocations
        )
    }

    /// Who showed this node the log `checkpoint` signs, if it holds that log: the member its last entry came from.
    private func receipt(of checkpoint: Checkpoint) async throws -> (from: MemberID, at: Timestamp)? {
        guard checkpoint.treeSize > 0, try await store.holdsStatement(of: checkpoint) == .log else { return nil }
        return try await store.receipt(of: checkpoint.origin, index: checkpoint.treeSize - 1)
    }

    private func witnessed(
        _ checkpoint: Checkpoint,
        receipt: (from: MemberID, at: Timestamp)?
    ) async throws -> HeldOrigin.WitnessedCheckpoint {
        HeldOrigin.WitnessedCheckpoint(
            checkpoint: checkpoint,
            receivedFrom: receipt?.from,
            receivedAt: receipt?.at,
            cosignatures: try await store.cosignatures(of: checkpoint)
        )
    }

    private static func originCertificate(_ pem: String) throws -> HeldOrigin.OriginCertificate {
        let certificate: Certificate
        do {
            certificate = try Certificate(pemEncoded: pem)
        } catch {
            throw HallmarkError(.storeProblem, "the certificate held for an origin is not a PEM certificate")
        }
        return HeldOrigin.OriginCertificate(
            fingerprint: try certificate.sha256Fingerprint().hex,
            serialNumber: certificate.serialNumber.hexText,
            notValidAfter: Timestamp(certificate.notValidAfter),
            pem: pem
        )
    }
}
