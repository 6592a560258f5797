import HallmarkCore
import HallmarkEvidence
import HallmarkPKI
import HallmarkRecords
import HallmarkStore

extension Member {
    /// An evidence bundle about `identifier`: every entry this node holds about it, each with its exact bytes, its
    /// inclusion proof against the earliest stored checkpoint that covers it (or, for an entry of a log held in part,
    /// the checkpoint it was verified against on arrival), that checkpoint, the origin's
    /// certificate and the hop it came by; with the alliance CA's fingerprint and the revocation list in force,
    /// signed by this node (`Protocol/evidence.md`).
    ///
    /// The earliest covering checkpoint is the one least exposed to a later revocation of its origin.
    /// - Parameters:
    ///   - identifier: The identifier; the bundle names only its kind and digest.
    ///   - time: The production time written into the bundle.
    /// - Throws: ``HallmarkError`` `not-found` when this node holds no entry about it, or no checkpoint or
    ///   certificate to prove one by (deleted from the store); `store-problem` when the stored log cannot give a proof.
    public func evidence(about identifier: Identifier, at time: Timestamp = .now()) async throws -> EvidenceBundle {
        let digest = digest(of: identifier)
        let stored = try await store.entries(kind: identifier.kind, digest: digest)
        guard !stored.isEmpty else {
            throw HallmarkError(
                .notFound,
                "this node holds no entry about \(identifier.kind) '\(identifier.normalized)': there is nothing to prove"
            )
        }
        var origins: [EvidenceBundle.Origin] = []
        var entries: [EvidenceBundle.Entry] = []
        for item in stored {
            let entry = item.entry
            let origin = entry.origin
            guard let covering = try await store.checkpointCovering(origin, index: entry.index) else {
                throw HallmarkError(
                    .notFound,
                    "no stored checkpoint of \(origin) covers its entry \(entry.index) (was it deleted from the store?)"
                )
            }
            let checkpoint = covering.checkpoint
            if !origins.contains(where: { $0.member == origin.rawValue }) {
                guard let pem = try await store.memberCertificatePEM(origin) else {
                    throw HallmarkError(.notFound, "this node holds no certificate of \(origin)")
                }
                origins.append(EvidenceBundle.Origin(member: origin.rawValue, certificate: pem))
            }
            let tree = try await trees.tree(of: origin, size: covering.heldSize)
            let proof = try covering.inclusionProof(forIndex: entry.index, in: tree)
            let hops =
                item.receivedFrom == identity.member
                ? []
                : [
                    EvidenceBundle.Hop(
                        from: item.receivedFrom.rawValue,
                        to: identity.member.rawValue,
                        at: item.receivedAt.iso8601
                    )
                ]
            entries.append(
                EvidenceBundle.Entry(
                    origin: origin.rawValue,
                    index: entry.index,
                    bytes: EvidenceBundle.hex(item.bytes),
                    claim: EvidenceBundle.Claim(entry),
                    checkpoint: EvidenceBundle.CheckpointRecord(
                        encoded: EvidenceBundle.hex(checkpoint.encoded()),
                        treeSize: checkpoint.treeSize,
                        rootHash: checkpoint.rootHash.hex,
                        signedAt: checkpoint.time.iso8601,
                        receivedAt: covering.receivedAt.iso8601
                    ),
                    inclusionProof: EvidenceBundle.Proof(treeSize: proof.treeSize, path: proof.path.map(\.hex)),
                    hops: hops
                )
            )
        }
        var bundle = EvidenceBundle(
            subject: EvidenceBundle.Subject(kind: identifier.kind.name, digest: digest.hex),
            producer: EvidenceBundle.Producer(
                member: identity.member.rawValue,
                certificate: identity.certificatePEM,
                time: time.iso8601
            ),
            allianceCAFingerprint: identity.trust.fingerprint.hex,
            revocationList: revocations?.pemString,
            origins: origins,
            entries: entries
        )
        try bundle.attest(using: identity.signingKey)
        return bundle
    }
}
