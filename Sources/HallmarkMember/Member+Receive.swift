import Crypto
import Foundation
import HallmarkCore
import HallmarkPKI
import HallmarkRecords
import HallmarkStore
import Logging
import SwiftASN1
import X509

extension HallmarkError.Code {
    /// An origin signed two checkpoints that contradict each other (or this node's key signed one it never made).
    public static let equivocation = HallmarkError.Code("equivocation")
}

extension Member {
    /// Verifies and commits a batch of another member's log, as received from `sender` (the origin
    /// itself or a relay).
    ///
    /// The origin's certificate must be issued by the alliance CA and name the batch's origin, and the
    /// batch's checkpoint must verify with its key; the store then checks contiguity and the Merkle root.
    /// Nothing is stored unless everything verifies.
    ///
    /// A checkpoint no larger than the log held is a cross-check: its root must equal the root held at its size,
    /// or it proves that the origin equivocated (Protocol/PROTOCOL.md §4.3): both checkpoints are kept as evidence
    /// and the origin is quarantined (see ``clearQuarantine(of:)``).
    ///
    /// A checkpoint that grows the log is refused when the origin's certificate is on the revocation list
    /// (``revocations``) as of the later of the checkpoint's signing time and now, the time it reached this node:
    /// a stolen key can backdate a checkpoint, so only what this node held before it learnt of the revocation is
    /// known to predate it (Protocol/revocation.md §3). What it held stays.
    /// - Parameters:
    ///   - batch: Entries of the origin's log with the origin's signed checkpoint that ends them.
    ///   - originCertificatePEM: The origin's member certificate.
    /// - Throws: ``HallmarkError`` naming what does not verify: `untrusted-credential` (certificate, revocation),
    ///   `bad-signature`, `proof-mismatch`, `malformed`, `equivocation`, `not-permitted` (quarantined origin).
    @discardableResult
    public func receive(_ batch: LogBatch, originCertificatePEM: String) async throws -> AppendOutcome {
        try await receive(contentsOf: [batch], originCertificatePEM: originCertificatePEM)
    }

    /// Verifies and commits consecutive batches of one origin's log in one transaction, each checked as
    /// ``receive(_:originCertificatePEM:)`` checks one, each distinct checkpoint verified once: a sync commits several
    /// verified chunks of a fetch at once. All or nothing: when one batch fails, nothing of any of them is stored.
    /// - Parameters:
    ///   - batches: Consecutive batches of one origin's log, in order.
    ///   - originCertificatePEM: The origin's member certificate.
    /// - Returns: The entries newly stored by all the batches, and the origin's tree size afterwards.
    /// - Throws: ``HallmarkError`` as ``receive(_:originCertificatePEM:)``; `invalid-value` when the batches are
    ///   not all of one origin.
    @discardableResult
    public func receive(contentsOf batches: [LogBatch], originCertificatePEM: String) async throws -> AppendOutcome {
        guard let origin = batches.first?.origin else {
            throw HallmarkError(.invalidValue, "no batch to receive")
        }
        guard batches.allSatisfy({ $0.origin == origin }) else {
            throw HallmarkError(.invalidValue, "batches received together must all be of one origin's log")
        }
        guard origin != identity.member else {
            throw HallmarkError(.notPermitted, "a batch of this member's own log cannot be received from elsewhere")
        }
        var checkpoints: [Checkpoint] = []
        for checkpoint in batches.map(\.checkpoint) where !checkpoints.contains(checkpoint) {
            guard checkpoint.origin == origin else {
                throw HallmarkError(
                    .malformed,
                    "the batch of \(origin) ends with a checkpoint of \(checkpoint.origin)"
                )
            }
            checkpoints.append(checkpoint)
        }
        let certificate = try originCertificate(originCertificatePEM, of: origin)
        for checkpoint in checkpoints { try await verify(checkpoint, certificate: certificate) }
        let held = try await store.logHead(of: origin)?.treeSize ?? 0
        for checkpoint in checkpoints where checkpoint.treeSize <= held {
            try await crossCheck(checkpoint, certificatePEM: originCertificatePEM, from: batches[0].receivedFrom)
        }
        let receivedAt = Timestamp.now()
        for checkpoint in checkpoints where checkpoint.treeSize > held {
            try checkNotRevoked(certificate, checkpoint: checkpoint, receivedAt: receivedAt)
        }
        // Recorded with the entries, in their transaction, and only once the batch verifies and grows the log: an
        // entry is never held without the certificate that proves it, and a forged batch never replaces it.
        let recorded = (pem: originCertificatePEM, fingerprint: try certificate.sha256Fingerprint().hex)
        let growing = batches.filter { $0.checkpoint.treeSize > held }.map { batch in
            var batch = batch
            batch.originCertificate = recorded
            return batch
        }
        guard !growing.isEmpty else { return AppendOutcome(appended: 0, treeSize: held) }
        let outcomes = try await store.append(contentsOf: growing)
        let outcome = AppendOutcome(
            appended: outcomes.reduce(0) { $0 + $1.appended },
            treeSize: outcomes.last?.treeSize ?? held
        )
        if outcome.appended > 0 {
            // Witnessed before it is announced, so that watching peers get the cosignature with the checkpoint.
            for checkpoint in checkpoints where checkpoint.treeSize > held && checkpoint.treeSize <= outcome.treeSize {
                await cosignIfHeld(checkpoint)
            }
            headUpdates.publish(origin)
            logger.info(
                "received log entries",
                metadata: [
                    "log.origin": "\(origin)", "log.appended": "\(outcome.appended)", "log.size": "\(outcome.treeSize)",
                    "peer": "\(batches[0].receivedFrom)",
                ]
            )
        }
        return outcome
    }

    /// Checks a checkpoint that a peer offers before fetching anything under it: its certificate, its signature,
    /// that it does not contradict the log held (else equivocation, as ``receive(_:originCertificatePEM:)``), that
    /// its origin is not quarantined and, when it would grow the log, not revoked.
    /// - Parameters:
    ///   - checkpoint: The origin's checkpoint, decoded.
    ///   - originCertificatePEM: The certificate offered with it.
    ///   - peer: The member that offered it.
    /// - Returns: Whether the checkpoint is beyond the log held, so that its entries are to be fetched.
    /// - Throws: ``HallmarkError`` as ``receive(_:originCertificatePEM:)``.
    public func checkOffered(
        _ checkpoint: Checkpoint,
        originCertificatePEM: String,
        from peer: MemberID
    ) async throws -> Bool {
        let origin = checkpoint.origin
        if origin == identity.member {
            try await checkOwn(checkpoint, certificatePEM: originCertificatePEM, from: peer)
            return false
        }
        let certificate = try originCertificate(originCertificatePEM, of: origin)
        try await verify(checkpoint, certificate: certificate)
        let held = try await store.logHead(of: origin)?.treeSize ?? 0
        if checkpoint.treeSize <= held {
            try await crossCheck(checkpoint, certificatePEM: originCertificatePEM, from: peer)
            return false
        }
        if let quarantine = try await store.quarantine(of: origin) {
            throw HallmarkError(
                .notPermitted,
                "\(origin) is quarantined since \(quarantine.since) (\(quarantine.reason)); its log is not fetched"
            )
        }
        try checkNotRevoked(certificate, checkpoint: checkpoint, receivedAt: .now())
        return true
    }

    /// Keeps equivocation evidence that `origin`'s own key signed `offered`, beyond or against the log held, and
    /// quarantines the origin; for a fork found by fetching a whole log from a peer (Protocol/PROTOCOL.md §4.2.5).
    /// - Parameters:
    ///   - offered: The checkpoint whose log contradicts the one held; its signature must already be verified.
    ///   - held: The checkpoint held that it contradicts.
    ///   - originCertificatePEM: The certificate that verified `offered`.
    ///   - peer: The member that offered it.
    ///   - why: How the two contradict each other, for the log and the error.
    /// - Returns: The error to report.
    public func equivocationFound(
        offered: Checkpoint,
        held: Checkpoint?,
        originCertificatePEM: String,
        from peer: MemberID,
        why: String
    ) async throws -> HallmarkError {
        let origin = offered.origin
        let evidence = EquivocationEvidence(
            origin: origin,
            heldCheckpoint: held?.encoded(),
            offeredCheckpoint: offered.encoded(),
            offeredCertificatePEM: originCertificatePEM,
            peer: peer,
            detectedAt: .now()
        )
        let isOwn = origin == identity.member
        let isNew = try await store.recordEquivocation(evidence, quarantine: !isOwn)
        let message =
            isOwn
            ? "this node's key signed a checkpoint of its own log that it never made (\(offered)), shown by \(peer): "
                + "\(why); the key may be stolen; evidence kept"
            : "\(origin) equivocated: its checkpoint \(offered), shown by \(peer), \(why); "
                + "evidence kept, \(origin) quarantined until an operator clears it"
        if isNew {
            logger.error(
                "equivocation",
                metadata: [
                    "log.origin": "\(origin)", "peer": "\(peer)", "checkpoint.offered": "\(offered)",
                    "checkpoint.held": "\(held.map { "\($0)" } ?? "none")", "error": "\(message)",
                ]
            )
        }
        return HallmarkError(.equivocation, message)
    }

    /// Lets `origin`'s log grow again after an operator has looked into its equivocation. The clearance is recorded
    /// (``auditOrigin(_:)`` shows it) and the evidence stays.
    /// - Parameters:
    ///   - origin: The quarantined origin.
    ///   - note: Why the operator cleared it: at most 280 bytes, no control characters.
    /// - Throws: ``HallmarkError`` `invalid-value` for a bad note, `not-found` when `origin` is not quarantined here.
    @discardableResult
    public func clearQuarantine(of origin: MemberID, note: String = "") async throws -> QuarantineClearance {
        if let problem = Entry.noteProblem(note) {
            throw HallmarkError(.invalidValue, problem, location: "note")
        }
        guard let clearance = try await store.clearQuarantine(of: origin, note: note, at: .now()) else {
            throw HallmarkError(.notFound, "\(origin) is not quarantined here")
        }
        logger.notice(
            "quarantine cleared",
            metadata: [
                "log.origin": "\(origin)", "quarantine.since": "\(clearance.quarantinedSince)",
                "quarantine.note": "\(note)",
            ]
        )
        return clearance
    }

    /// Counts cosignatures that `peer` sent with a head of `origin` and this node refused before checking them (too
    /// many, an oversized certificate), for `hallmark status` and `hallmark_cosignatures_rejected_total`.
    public func recordRejectedCosignatures(_ count: Int, from peer: MemberID, origin: String, reason: String) async {
        metrics.recordCosignatures(rejected: count)
        await recordRejection(from: peer, origin: origin, reason: reason)
    }

    /// Counts a batch that `peer` sent and this node rejected, for `hallmark status`.
    public func recordRejection(from peer: MemberID, origin: String, reason: String) async {
        do {
            try await store.recordPeerRejection(peer: peer, origin: origin, reason: reason)
        } catch {
            logger.error("cannot record a peer's rejected batch", metadata: ["peer": "\(peer)", "error": "\(error)"])
        }
    }

    /// The origin's certificate, checked against the alliance CA (valid now) and naming `origin`.
    private func originCertificate(_ pem: String, of origin: MemberID) throws -> Certificate {
        do {
            return try Certificate(pemEncoded: pem)
        } catch {
            throw HallmarkError(.malformed, "the certificate offered for \(origin) is not a PEM certificate")
        }
    }

    private func verify(_ checkpoint: Checkpoint, certificate: Certificate) async throws {
        let origin = checkpoint.origin
        let named = try await identity.trust.verify(member: certificate)
        guard named == origin else {
            throw HallmarkError(.untrustedCredential, "the certificate offered for \(origin) names \(named)")
        }
        try checkpoint.verifySignature(using: try certificate.signingPublicKey())
    }

    /// Refuses growth of a revoked origin's log, judged at the later of the signing time and `receivedAt`.
    private func checkNotRevoked(_ certificate: Certificate, checkpoint: Checkpoint, receivedAt: Timestamp) throws {
        guard let list = revocations, let revocation = list.revocation(of: certificate) else { return }
        let judged = max(checkpoint.time, receivedAt)
        guard revocation.isInEffect(at: judged.date) else { return }
        let error = HallmarkError(
            .untrustedCredential,
            "checkpoint \(checkpoint) reached this node at \(receivedAt), after the certificate of \(checkpoint.origin) "
                + "(serial \(certificate.serialNumber.hexText)) was revoked as of "
                + "\(revocation.time.ISO8601Format()) (\(revocation.reason), revocation list \(list.number)); "
                + "a revoked member's log does not grow here"
        )
        logger.warning(
            "refused a revoked origin's checkpoint",
            metadata: [
                "log.origin": "\(checkpoint.origin)", "checkpoint": "\(checkpoint)", "error": "\(error.message)",
            ]
        )
        throw error
    }

    /// A checkpoint no larger than the log held must have the root held at its size; one that has it and is held
    /// gets this node's cosignature if it lacks it.
    private func crossCheck(_ checkpoint: Checkpoint, certificatePEM: String, from peer: MemberID) async throws {
        let origin = checkpoint.origin
        let ours = try await store.rootHash(of: origin, atSize: checkpoint.treeSize)
        guard ours != checkpoint.rootHash else {
            // Consistent: a checkpoint held but not yet cosigned (a crash after its commit) is cosigned now.
            await cosignIfHeld(checkpoint)
            return
        }
        throw try await equivocationFound(
            offered: checkpoint,
            held: try await store.checkpoint(of: origin, atLeast: checkpoint.treeSize),
            originCertificatePEM: certificatePEM,
            from: peer,
            why: "has another root than the log held here at size \(checkpoint.treeSize) (\(ours.hex))"
        )
    }

    /// A checkpoint of this node's own log: one it signed is fine; another that its key signed means misuse.
    private func checkOwn(_ checkpoint: Checkpoint, certificatePEM: String, from peer: MemberID) async throws {
        if let mine = try await store.checkpoint(of: identity.member, treeSize: checkpoint.treeSize),
            mine.rootHash == checkpoint.rootHash
        {
            return
        }
        do {
            try checkpoint.verifySignature(using: identity.signingKey.publicKey)
        } catch {
            throw HallmarkError(
                .badSignature,
                "the peer shows a checkpoint of this node's own log (\(checkpoint)) that its key did not sign"
            )
        }
        let own = try await store.logHead(of: identity.member)?.treeSize ?? 0
        var held = try await store.checkpoint(of: identity.member, atLeast: checkpoint.treeSize)
        if held == nil { held = try await store.latestCheckpoint(of: identity.member) }
        throw try await equivocationFound(
            offered: checkpoint,
            held: held,
            originCertificatePEM: certificatePEM,
            from: peer,
            why: checkpoint.treeSize > own
                ? "is beyond the own log's size \(own)" : "has another root than the own log at that size"
        )
    }
}
