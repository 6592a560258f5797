import Crypto
import Foundation
import HallmarkCore
import HallmarkPKI
import SwiftASN1
import X509

/// Checks an evidence bundle with nothing but the bundle and the alliance CA certificate: no store, no network,
/// no clock (every time judged is one the bundle states and some signature covers).
///
/// The algorithm is `Protocol/evidence.md` §4, step by step; each step is an ``EvidenceCheck`` in the verdict.
public struct EvidenceVerifier: Sendable {
    /// The alliance CA the bundle is checked against.
    public let trust: AllianceTrust

    /// A verifier trusting `trust`'s CA.
    public init(trust: AllianceTrust) {
        self.trust = trust
    }

    /// Reads and checks a bundle.
    /// - Parameter json: The bundle file's bytes.
    /// - Returns: The verdict: valid or not, with every check.
    /// - Throws: ``HallmarkError`` `malformed` when the bytes are not a readable bundle (see
    ///   ``EvidenceBundle/init(json:)``); a readable bundle that fails a check is an invalid verdict, not an error.
    public func verify(json: Data) async throws -> EvidenceVerdict {
        await verify(try EvidenceBundle(json: json))
    }

    /// Checks a bundle.
    /// - Parameter bundle: The bundle.
    /// - Returns: The verdict: valid or not, with every check.
    public func verify(_ bundle: EvidenceBundle) async -> EvidenceVerdict {
        var run = Run(bundle: bundle, trust: trust)
        await run.checkBundle()
        for entry in bundle.entries { await run.check(entry) }
        run.checkAttestation()
        return EvidenceVerdict(bundle: bundle, allianceName: trust.allianceName, checks: run.checks)
    }
}

extension EvidenceVerifier {
    /// One verification: the checks made so far and what earlier checks established.
    private struct Run {
        let bundle: EvidenceBundle
        let trust: AllianceTrust
        var checks: [EvidenceCheck] = []
        var revocations: RevocationList?
        var revocationListUsable = true
        var producerKey: Certificate?
        var subject: (kind: String, digest: Hash256)?

        init(bundle: EvidenceBundle, trust: AllianceTrust) {
            self.bundle = bundle
            self.trust = trust
        }

        mutating func note(_ name: String, _ item: String, _ outcome: EvidenceCheck.Outcome, _ detail: String) {
            checks.append(EvidenceCheck(name: name, item: item, outcome: outcome, detail: detail))
        }

        /// Runs `body`; records a pass with its detail, or a failure with the error's message.
        @discardableResult
        mutating func check(_ name: String, _ item: String, _ body: () async throws -> String) async -> Bool {
            do {
                note(name, item, .passed, try await body())
                return true
            } catch let error as HallmarkError {
                note(name, item, .failed, error.message)
            } catch {
                note(name, item, .failed, "\(error)")
            }
            return false
        }

        mutating func checkBundle() async {
            let bundle = self.bundle
            let trust = self.trust
            await check(EvidenceCheck.allianceCA, "bundle") {
                guard bundle.allianceCAFingerprint == trust.fingerprint.hex else {
                    throw HallmarkError(
                        .untrustedCredential,
                        "the bundle was made for the alliance CA with fingerprint \(bundle.allianceCAFingerprint), "
                            + "not the CA given ('\(trust.allianceName)', fingerprint \(trust.fingerprint.hex))"
                    )
                }
                return
                    "the bundle names the given alliance CA '\(trust.allianceName)' (fingerprint \(trust.fingerprint.hex))"
            }
            var list: RevocationList?
            revocationListUsable = await check(EvidenceCheck.revocationList, "bundle") {
                guard let pem = bundle.revocationList else {
                    return "the bundle holds no revocation list: its producer had none, so no revocation is known to it"
                }
                let parsed = try RevocationList(pemEncoded: pem, trust: trust)
                list = parsed
                return
                    "revocation list \(parsed.number), signed by the alliance CA on \(parsed.issued.ISO8601Format()), "
                    + "revokes \(parsed.revocations.count) certificate(s)"
            }
            revocations = list
            let revocationListUsable = self.revocationListUsable
            var producer: Certificate?
            await check(EvidenceCheck.producerCertificate, "bundle") {
                let member = try EvidenceVerifier.member(bundle.producer.member, what: "the producer")
                let time = try EvidenceText.time(bundle.producer.time, what: "the bundle's production time")
                let certificate = try await EvidenceVerifier.certificate(
                    bundle.producer.certificate,
                    of: member,
                    at: time,
                    trust: trust,
                    what: "producer"
                )
                guard revocationListUsable else {
                    throw HallmarkError(
                        .untrustedCredential,
                        "cannot tell whether it was revoked: the revocation list is unusable"
                    )
                }
                if let revocation = list?.revocation(of: certificate), revocation.isInEffect(at: time.date) {
                    throw HallmarkError(
                        .untrustedCredential,
                        "the producer \(member)'s certificate was revoked as of \(revocation.time.ISO8601Format()) "
                            + "(\(revocation.reason)), before it made the bundle at \(time)"
                    )
                }
                producer = certificate
                return
                    "\(member)'s certificate was issued by the alliance CA and valid when it made the bundle at \(time)"
            }
            producerKey = producer
            var parsedSubject: (kind: String, digest: Hash256)?
            await check(EvidenceCheck.subject, "bundle") {
                let kind = try IndicatorKind(wireName: bundle.subject.kind)
                let digest = try EvidenceText.hash(hex: bundle.subject.digest, what: "the subject's digest")
                parsedSubject = (kind.name, digest)
                guard !bundle.entries.isEmpty else {
                    throw HallmarkError(.malformed, "the bundle holds no entries: it proves nothing")
                }
                return "\(kind.name) identifier with digest \(digest.hex); \(bundle.entries.count) entries"
            }
            subject = parsedSubject
        }

        mutating func check(_ record: EvidenceBundle.Entry) async {
            let item = "\(record.origin)#\(record.index)"
            let trust = self.trust
            let bundle = self.bundle
            var entryBytes: [UInt8]?
            var decoded: Entry?
            await check(EvidenceCheck.entryBytes, item) {
                let bytes = try EvidenceText.bytes(hex: record.bytes, what: "the entry's bytes")
                let entry = try Entry(decoding: bytes)
                guard entry.origin.rawValue == record.origin, entry.index == record.index else {
                    throw HallmarkError(
                        .malformed,
                        "the bytes are entry \(entry.origin)#\(entry.index), not \(item) as the bundle says"
                    )
                }
                entryBytes = bytes
                decoded = entry
                return "\(bytes.count) bytes decode to a canonical entry: \(item)"
            }
            if let decoded {
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
                    return
                        "the entry says what the bundle claims: \(EvidenceVerdict.describe(actual, origin: record.origin))"
                }
            } else {
                note(EvidenceCheck.claim, item, .notChecked, "the entry's bytes are unusable")
            }

            var checkpoint: Checkpoint?
            var receivedAt: Timestamp?
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
                var differences: [String] = []
                if parsed.treeSize != fields.treeSize { differences.append("treeSize") }
                if parsed.rootHash.hex != fields.rootHash { differences.append("rootHash") }
                if parsed.time.iso8601 != fields.signedAt { differences.append("signedAt") }
                guard differences.isEmpty else {
                    throw HallmarkError(
                        .proofMismatch,
                        "the checkpoint's fields as the bundle spells them differ from the signed checkpoint in "
                            + differences.joined(separator: ", ")
                    )
                }
                receivedAt = try EvidenceText.time(fields.receivedAt, what: "the checkpoint's reception time")
                checkpoint = parsed
                return "checkpoint of \(parsed.origin)'s log: \(parsed.treeSize) entries, root \(parsed.rootHash.hex), "
                    + "signed at \(parsed.time), received by the producer at \(fields.receivedAt)"
            }

            var originCertificate: Certificate?
            if let checkpoint {
                let certificates = bundle.origins.filter { $0.member == record.origin }
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
            } else {
                note(EvidenceCheck.originCertificate, item, .notChecked, "the checkpoint is unusable")
            }

            if let checkpoint, let originCertificate {
                await check(EvidenceCheck.checkpointSignature, item) {
                    try checkpoint.verifySignature(using: try originCertificate.signingPublicKey())
                    return "the checkpoint's signature verifies with \(checkpoint.origin)'s certified key"
                }
                let list = revocations
                let usable = revocationListUsable
                await check(EvidenceCheck.revocation, item) {
                    try EvidenceVerifier.checkRevocation(
                        originCertificate,
                        checkpoint: checkpoint,
                        receivedAt: receivedAt ?? checkpoint.time,
                        list: list,
                        usable: usable
                    )
                }
            } else {
                let why = checkpoint == nil ? "the checkpoint is unusable" : "the origin's certificate is unusable"
                note(EvidenceCheck.checkpointSignature, item, .notChecked, why)
                note(EvidenceCheck.revocation, item, .notChecked, why)
            }

            if let checkpoint, let entryBytes {
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
            } else {
                let why = checkpoint == nil ? "the checkpoint is unusable" : "the entry's bytes are unusable"
                note(EvidenceCheck.inclusionProof, item, .notChecked, why)
            }
        }

        mutating func checkAttestation() {
            guard let producer = producerKey else {
                note(EvidenceCheck.attestation, "bundle", .notChecked, "the producer's certificate is unusable")
                return
            }
            do {
                let signature = try EvidenceText.bytes(hex: bundle.attestation, what: "the attestation")
                let key = try producer.signingPublicKey()
                guard let parsed = try? P256.Signing.ECDSASignature(derRepresentation: signature),
                    key.isValidSignature(parsed, for: bundle.attestedText)
                else {
                    throw HallmarkError(
                        .badSignature,
                        "the producer \(bundle.producer.member)'s signature over the bundle does not verify: "
                            + "a value of the bundle was changed after \(bundle.producer.member) made it"
                    )
                }
                note(
                    EvidenceCheck.attestation,
                    "bundle",
                    .passed,
                    "\(bundle.producer.member) signed every value of the bundle, including the hops and reception times"
                )
            } catch let error as HallmarkError {
                note(EvidenceCheck.attestation, "bundle", .failed, error.message)
            } catch {
                note(EvidenceCheck.attestation, "bundle", .failed, "\(error)")
            }
        }
    }

    static func member(_ text: String, what: String) throws -> MemberID {
        do {
            return try MemberID(text)
        } catch {
            throw HallmarkError(.malformed, "\(what) '\(text)' is not a member id")
        }
    }

    /// A member certificate from PEM, issued by the alliance CA, naming `member` and valid at `time`.
    static func certificate(
        _ pem: String,
        of member: MemberID,
        at time: Timestamp,
        trust: AllianceTrust,
        what: String
    ) async throws -> Certificate {
        let certificate: Certificate
        do {
            certificate = try Certificate(pemEncoded: pem)
        } catch {
            throw HallmarkError(.malformed, "the \(what) certificate of \(member) is not a PEM certificate: \(error)")
        }
        let named = try await trust.verify(member: certificate, at: time.date)
        guard named == member else {
            throw HallmarkError(.untrustedCredential, "the \(what) certificate given for \(member) names \(named)")
        }
        return certificate
    }

    /// Judges the origin's revocation at the later of the checkpoint's signing time and its reception by the
    /// producer: a stolen key can backdate its signature, but not the time the producer first held it.
    static func checkRevocation(
        _ certificate: Certificate,
        checkpoint: Checkpoint,
        receivedAt: Timestamp,
        list: RevocationList?,
        usable: Bool
    ) throws -> String {
        guard usable else {
            throw HallmarkError(.untrustedCredential, "cannot tell: the bundle's revocation list is unusable")
        }
        guard let list else { return "no revocation list in the bundle; no revocation known to its producer" }
        guard let revocation = list.revocation(of: certificate) else {
            return "\(checkpoint.origin)'s certificate is not on revocation list \(list.number)"
        }
        let judged = max(checkpoint.time, receivedAt)
        if revocation.isInEffect(at: judged.date) {
            throw HallmarkError(
                .untrustedCredential,
                "\(checkpoint.origin)'s certificate was revoked as of \(revocation.time.ISO8601Format()) "
                    + "(\(revocation.reason), revocation list \(list.number)), before this checkpoint: signed at "
                    + "\(checkpoint.time), received at \(receivedAt); a revoked key's signature proves nothing"
            )
        }
        return "\(checkpoint.origin)'s certificate was revoked only later, as of \(revocation.time.ISO8601Format()) "
            + "(\(revocation.reason)); this checkpoint predates it (signed at \(checkpoint.time), received at "
            + "\(receivedAt)), so the entry stands, marked as from a since-revoked member"
    }
}
