import Foundation
import HallmarkCore
import HallmarkPKI
import SwiftASN1
import X509

/// What the steps need to judge the producer's and the origins' certificates: member ids, certificates from the
/// alliance CA, and the origins' revocation.
extension EvidenceVerifier {
    /// The member id `text` spells; `what` names it in the error.
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
