import Foundation
import HallmarkCore
import HallmarkPKI
import HallmarkRecords
import HallmarkStore
import SwiftASN1
import X509

extension MemberNode {
    /// What this node holds about `origin` (``OriginAudit``): its log size, latest checkpoint and cosigners,
    /// certificate and revocation state, quarantine, and every piece of equivocation evidence with both checkpoints'
    /// exact bytes and their cosignatures. It only reads the store: safe beside a running node.
    /// - Throws: ``HallmarkError`` `not-found` when this node holds nothing of `origin` (no log, certificate or
    ///   evidence).
    public func auditOrigin(_ origin: MemberID) async throws -> OriginAudit {
        let head = try await store.logHead(of: origin)
        let pem = try await store.memberCertificatePEM(origin)
        let evidence = try await store.equivocations(of: origin)
        guard head != nil || pem != nil || !evidence.isEmpty else {
            throw HallmarkError(.notFound, "this node holds nothing of \(origin): no log, certificate or evidence")
        }
        var latest: OriginAudit.WitnessedCheckpoint?
        if let checkpoint = try await store.latestCheckpoint(of: origin) {
            latest = try await witnessed(checkpoint, receipt: try await receipt(of: checkpoint))
        }
        var equivocations: [OriginAudit.Equivocation] = []
        for item in evidence {
            var held: OriginAudit.WitnessedCheckpoint?
            if let bytes = item.heldCheckpoint {
                let checkpoint = try Checkpoint(decoding: bytes)
                held = try await witnessed(checkpoint, receipt: try await receipt(of: checkpoint))
            }
            let offered = try Checkpoint(decoding: item.offeredCheckpoint)
            equivocations.append(
                OriginAudit.Equivocation(
                    detectedAt: item.detectedAt.iso8601,
                    offeredBy: item.peer.rawValue,
                    held: held,
                    offered: try await witnessed(offered, receipt: (item.peer, item.detectedAt)),
                    offeredCertificatePem: item.offeredCertificatePEM
                )
            )
        }
        return OriginAudit(
            origin: origin.rawValue,
            logSize: head?.treeSize ?? 0,
            latestCheckpoint: latest,
            certificate: try pem.map(Self.originCertificate),
            revoked: try await originRevocations([origin])[origin].map { ReportDocument.Revoked($0) },
            quarantine: try await store.quarantine(of: origin).map {
                ReportDocument.Quarantine(origin: $0.origin.rawValue, since: $0.since.iso8601, reason: $0.reason)
            },
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
    ) async throws -> OriginAudit.WitnessedCheckpoint {
        OriginAudit.WitnessedCheckpoint(
            treeSize: checkpoint.treeSize,
            rootHash: checkpoint.rootHash.hex,
            time: checkpoint.time.iso8601,
            bytes: Data(checkpoint.encoded()).base64EncodedString(),
            receivedFrom: receipt?.from.rawValue,
            receivedAt: receipt?.at.iso8601,
            cosignatures: try await store.cosignatures(of: checkpoint).map { stored in
                OriginAudit.WitnessCosignature(
                    cosigner: stored.cosigner.rawValue,
                    time: stored.cosignature.time.iso8601,
                    seconds: stored.cosignature.seconds,
                    signature: Data(stored.cosignature.signature).base64EncodedString(),
                    certificatePem: stored.certificatePEM,
                    receivedFrom: stored.receivedFrom.rawValue,
                    receivedAt: stored.receivedAt.iso8601
                )
            }
        )
    }

    private static func originCertificate(_ pem: String) throws -> OriginAudit.OriginCertificate {
        let certificate: Certificate
        do {
            certificate = try Certificate(pemEncoded: pem)
        } catch {
            throw HallmarkError(.storeProblem, "the certificate held for an origin is not a PEM certificate")
        }
        return OriginAudit.OriginCertificate(
            fingerprint: try certificate.sha256Fingerprint().hex,
            serialNumber: certificate.serialNumber.hexText,
            notValidAfter: Timestamp(certificate.notValidAfter).iso8601,
            pem: pem
        )
    }
}
