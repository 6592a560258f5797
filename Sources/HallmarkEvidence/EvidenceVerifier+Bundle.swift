import Crypto
import Foundation
import HallmarkCore
import HallmarkPKI
import SwiftASN1
import X509

/// The checks of the bundle as a whole (`Protocol/evidence.md` §4 steps 1–4, and 12, the attestation), item `bundle`.
///
/// Each step runs in its own function; the bodies given to ``EvidenceVerifier/Run/check(_:_:_:)`` read local copies
/// of the run's values, because the run itself is being changed while they run.
extension EvidenceVerifier.Run {
    /// Steps 1–4, in order: what the bundle's entries are checked with.
    mutating func checkBundle() async {
        await checkAllianceCA()
        await checkRevocationList()
        await checkProducerCertificate()
        await checkSubject()
    }

    /// Step 1: the bundle was made for the alliance CA it is checked against.
    private mutating func checkAllianceCA() async {
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
    }

    /// Step 2: the revocation list, when there is one, is signed by the alliance CA. Keeps it, and whether it is
    /// usable, for the producer's and the origins' certificates.
    private mutating func checkRevocationList() async {
        let bundle = self.bundle
        let trust = self.trust
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
    }

    /// Step 3: the producer's certificate was issued by the alliance CA, and valid and unrevoked when it made the
    /// bundle. Keeps it for the attestation.
    private mutating func checkProducerCertificate() async {
        let bundle = self.bundle
        let trust = self.trust
        let list = revocations
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
            return "\(member)'s certificate was issued by the alliance CA and valid when it made the bundle at \(time)"
        }
        producerKey = producer
    }

    /// Step 4: the subject is a kind and a digest, and the bundle holds entries about it. Keeps the subject for the
    /// entries' claims.
    private mutating func checkSubject() async {
        let bundle = self.bundle
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

    /// Step 12, after every entry: the producer's signature over every value of the bundle verifies with its
    /// certificate's key, so nothing was changed after it was made (the hops and reception times included).
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
