import Foundation
import HallmarkCore
import HallmarkPKI
import X509

/// The checks of one entry (`Protocol/evidence.md` §4 steps 5–11), item `origin#index`.
///
/// A step whose input an earlier step rejected is recorded as not checked, with the reason, so that every entry has
/// the same checks in the verdict. Each step returns what the later ones need, or `nil` when it failed.
extension EvidenceVerifier.Run {
    /// Steps 5–11 for `record`, in order.
    mutating func check(_ record: EvidenceBundle.Entry) async {
        let item = "\(record.origin)#\(record.index)"
        let entry = await checkEntryBytes(of: record, item: item)
        await checkClaim(of: record, decoded: entry?.decoded, item: item)
        let signed = await checkCheckpoint(of: record, item: item)
        let certificate = await checkOriginCertificate(of: record, checkpoint: signed?.checkpoint, item: item)
        await checkCheckpointSignature(signed?.checkpoint, certificate: certificate, item: item)
        await checkOriginRevocation(of: certificate, checkpoint: signed, item: item)
        await checkInclusionProof(of: record, checkpoint: signed?.checkpoint, entryBytes: entry?.bytes, item: item)
    }

    /// Step 5: the bytes are a canonical entry with the origin and index the bundle gives.
    private mutating func checkEntryBytes(
        of record: EvidenceBundle.Entry,
        item: String
    ) async -> (bytes: [UInt8], decoded: Entry)? {
        var result: (bytes: [UInt8], decoded: Entry)?
        await check(EvidenceCheck.entryBytes, item) {
            let bytes = try EvidenceText.bytes(hex: record.bytes, what: "the entry's bytes")
            let entry = try Entry(decoding: bytes)
            guard entry.origin.rawValue == record.origin, entry.index == record.index else {
                throw HallmarkError(
                    .malformed,
                    "the bytes are entry \(entry.origin)#\(entry.index), not \(item) as the bundle says"
                )
            }
            result = (bytes, entry)
            return "\(bytes.count) bytes decode to a canonical entry: \(item)"
        }
        return result
    }

    /// Step 6: the bundle's claim is what the entry's bytes say, and it is about the bundle's subject.
    private mutating func checkClaim(of record: EvidenceBundle.Entry, decoded: Entry?, item: String) async {
        guard let decoded else {
            note(EvidenceCheck.claim, item, .notChecked, "the entry's bytes are unusable")
            return
        }
        let bundle = self.bundle
        let subject = self.subject
        await check(EvidenceCheck.claim, item) {
            let actual = EvidenceBundle.Claim(decoded)
            let differences = record.claim.differences(from: actual)
            guard differences.isEmpty else {
                throw HallmarkError(
                    .proofMismatch,
                    "the bundle's claim differs from what the entry's bytes say in "
                        + differences.joined(separator: ", ")
                )
            }
            guard let subject, actual.kind == subject.kind, actual.digest == subject.digest.hex else {
                throw HallmarkError(
                    .proofMismatch,
                    "the entry is about \(actual.kind) \(actual.digest), not the bundle's subject "
                        + "\(bundle.subject.kind) \(bundle.subject.digest)"
                )
            }
            return "the entry says what the bundle claims: \(EvidenceVerdict.describe(actual, origin: record.origin))"
        }
    }

    /// Step 7: the checkpoint is a canonical checkpoint of the entry's origin, with the fields the bundle spells
    /// out, and the producer's time of reception is a time.
    private mutating func checkCheckpoint(
        of record: EvidenceBundle.Entry,
        item: String
    ) async -> (checkpoint: Checkpoint, receivedAt: Timestamp)? {
        var result: (checkpoint: Checkpoint, receivedAt: Timestamp)?
        await check(EvidenceCheck.checkpoint, item) {
            let fields = record.checkpoint
            let bytes = try EvidenceText.bytes(hex: fields.encoded, what: "the checkpoint")
            let parsed = try Checkpoint(decoding: bytes)
            guard parsed.origin.rawValue == record.origin else {
                throw HallmarkError(
                    .proofMismatch,
                    "the checkpoint is of \(parsed.origin)'s log, not \(record.origin)'s"
                )
            }
            let differences = EvidenceVerifier.differences(between: fields, and: parsed)
            guard differences.isEmpty else {
                throw HallmarkError(
                    .proofMismatch,
                    "the checkpoint's fields as the bundle spells them differ from the signed checkpoint in "
                        + differences.joined(separator: ", ")
                )
            }
            let receivedAt = try EvidenceText.time(fields.receivedAt, what: "the checkpoint's reception time")
            result = (parsed, receivedAt)
            return "checkpoint of \(parsed.origin)'s log: \(parsed.treeSize) entries, root \(parsed.rootHash.hex), "
                + "signed at \(parsed.time), received by the producer at \(fields.receivedAt)"
        }
        return result
    }

    /// Step 8: the bundle holds one certificate of the origin, issued by the alliance CA, naming the origin, and
    /// valid when it signed the checkpoint.
    private mutating func checkOriginCertificate(
        of record: EvidenceBundle.Entry,
        checkpoint: Checkpoint?,
        item: String
    ) async -> Certificate? {
        guard let checkpoint else {
            note(EvidenceCheck.originCertificate, item, .notChecked, "the checkpoint is unusable")
            return nil
        }
        let trust = self.trust
        let certificates = bundle.origins.filter { $0.member == record.origin }
        var originCertificate: Certificate?
        await check(EvidenceCheck.originCertificate, item) {
            guard certificates.count == 1, let pem = certificates.first?.certificate else {
                throw HallmarkError(
                    .untrustedCredential,
                    "the bundle holds \(certificates.count) certificates of \(record.origin); expected one"
                )
            }
            originCertificate = try await EvidenceVerifier.certificate(
                pem,
                of: checkpoint.origin,
                at: checkpoint.time,
                trust: trust,
                what: "origin"
            )
            return "\(checkpoint.origin)'s certificate was issued by the alliance CA and valid when it signed "
                + "at \(checkpoint.time)"
        }
        return originCertificate
    }

    /// Step 9: the checkpoint's signature verifies with the origin's certified key.
    private mutating func checkCheckpointSignature(
        _ checkpoint: Checkpoint?,
        certificate: Certificate?,
        item: String
    ) async {
        guard let checkpoint, let certificate else {
            let why = EvidenceVerifier.unusable(checkpoint: checkpoint)
            note(EvidenceCheck.checkpointSignature, item, .notChecked, why)
            return
        }
        await check(EvidenceCheck.checkpointSignature, item) {
            try checkpoint.verifySignature(using: try certificate.signingPublicKey())
            return "the checkpoint's signature verifies with \(checkpoint.origin)'s certified key"
        }
    }

    /// Step 10: the origin's certificate was not revoked before the checkpoint was signed and received.
    private mutating func checkOriginRevocation(
        of certificate: Certificate?,
        checkpoint signed: (checkpoint: Checkpoint, receivedAt: Timestamp)?,
        item: String
    ) async {
        guard let signed, let certificate else {
            let why = EvidenceVerifier.unusable(checkpoint: signed?.checkpoint)
            note(EvidenceCheck.revocation, item, .notChecked, why)
            return
        }
        let list = revocations
        let usable = revocationListUsable
        await check(EvidenceCheck.revocation, item) {
            try EvidenceVerifier.checkRevocation(
                certificate,
                checkpoint: signed.checkpoint,
                receivedAt: signed.receivedAt,
                list: list,
                usable: usable
            )
        }
    }

    /// Step 11: the inclusion proof leads from the entry's bytes to the root the checkpoint signs, for the
    /// checkpoint's tree size.
    private mutating func checkInclusionProof(
        of record: EvidenceBundle.Entry,
        checkpoint: Checkpoint?,
        entryBytes: [UInt8]?,
        item: String
    ) async {
        guard let checkpoint, let entryBytes else {
            let why = checkpoint == nil ? "the checkpoint is unusable" : "the entry's bytes are unusable"
            note(EvidenceCheck.inclusionProof, item, .notChecked, why)
            return
        }
        await check(EvidenceCheck.inclusionProof, item) {
            let proof = record.inclusionProof
            guard proof.treeSize == checkpoint.treeSize else {
                throw HallmarkError(
                    .proofMismatch,
                    "the inclusion proof is for a tree of \(proof.treeSize) entries, but the checkpoint "
                        + "covers \(checkpoint.treeSize)"
                )
            }
            let path = try proof.path.enumerated().map {
                try EvidenceText.hash(hex: $1, what: "hash \($0 + 1) of the inclusion proof")
            }
            try InclusionProof(leafIndex: record.index, treeSize: proof.treeSize, path: path)
                .verify(leafHash: MerkleHash.leaf(entryBytes), root: checkpoint.rootHash)
            return "the entry's bytes are leaf \(record.index) of the tree of \(checkpoint.treeSize) entries "
                + "whose root the checkpoint signs (\(path.count) hashes)"
        }
    }
}

extension EvidenceVerifier {
    /// The checkpoint's fields, as the bundle spells them, that differ from the signed checkpoint's.
    fileprivate static func differences(
        between fields: EvidenceBundle.CheckpointRecord,
        and parsed: Checkpoint
    ) -> [String] {
        var differences: [String] = []
        if parsed.treeSize != fields.treeSize { differences.append("treeSize") }
        if parsed.rootHash.hex != fields.rootHash { differences.append("rootHash") }
        if parsed.time.iso8601 != fields.signedAt { differences.append("signedAt") }
        return differences
    }

    /// Why a step that needs both the checkpoint and the origin's certificate is not made: the checkpoint failed,
    /// or else the certificate did.
    fileprivate static func unusable(checkpoint: Checkpoint?) -> String {
        checkpoint == nil ? "the checkpoint is unusable" : "the origin's certificate is unusable"
    }
}
