import Crypto
import HallmarkCore
import HallmarkRecords
import HallmarkStore
import Logging

/// What a submission, retraction or dispute appended.
public struct SubmissionOutcome: Sendable, Equatable {
    /// Entries appended to this member's log.
    public var appended: Int
    /// Submissions left out because they repeat the member's current assertion.
    public var unchanged: Int
    /// This member's log size afterwards.
    public var logSize: UInt64

    /// Creates an outcome.
    public init(appended: Int, unchanged: Int, logSize: UInt64) {
        self.appended = appended
        self.unchanged = unchanged
        self.logSize = logSize
    }
}

extension Member {
    /// Expiries this close to the current one count as the same, so that re-importing a file with a
    /// relative expiry (`30d`) on the same day appends nothing.
    static let expiryTolerance: Int64 = 24 * 3_600_000

    /// Asserts indicators: one entry each, all under one signed checkpoint.
    ///
    /// A submission identical to this member's current assertion (same confidence, reason, note, and
    /// an expiry within a day) is not appended again.
    /// - Throws: ``HallmarkError`` naming the first invalid submission; nothing is appended then.
    @discardableResult
    public func submit(_ submissions: [Submission]) async throws -> SubmissionOutcome {
        let checked = try check(submissions)
        return try await appendOwn(.assert) { view, now in
            let plan = try Self.plan(checked, in: view, at: now, after: nil)
            return (plan.drafts, plan.unchanged)
        }
    }

    /// Submissions validated, with the digest each is shared as.
    struct CheckedSubmissions: Sendable {
        var submissions: [Submission]
        var digests: [Hash256]
    }

    private func check(_ submissions: [Submission]) throws -> CheckedSubmissions {
        try Submission.validate(submissions, minimumQuality: imageMatching.minimumQuality)
        let digests = submissions.map { submission in
            switch submission.subject {
            case .identifier(let identifier): digest(of: identifier)
            case .digest(_, let digest): digest
            }
        }
        return CheckedSubmissions(submissions: submissions, digests: digests)
    }

    /// The entries a chunk of submissions makes and those it leaves out as repeats.
    struct SubmissionPlan: Sendable {
        var drafts: [Draft] = []
        var unchanged = 0
        /// What the chunk asserts, by kind and digest: the position of its submission. Keyed by kind and digest, since a
        /// digest given as such (API, STIX import) may be the same bytes under two kinds; a position, not a copy (an
        /// import's chunk of 50 000 copies took 36 MB here).
        var planned: [Submission.Subject: Int] = [:]
    }

    /// Plans `checked` against the member's current assertions as `view` shows them and, before those, what the chunk
    /// before it asserts (`earlier`, made ahead and perhaps not yet committed: the view may not show it).
    static func plan(
        _ checked: CheckedSubmissions,
        in view: OwnLogView,
        at now: Timestamp,
        after earlier: PreparedSubmission?
    ) throws -> SubmissionPlan {
        let submissions = checked.submissions
        var plan = SubmissionPlan()
        plan.planned.reserveCapacity(submissions.count)
        for (position, (submission, digest)) in zip(submissions, checked.digests).enumerated() {
            let key = Submission.Subject.digest(submission.kind, digest)
            if let pending = plan.planned[key] {
                if isRepeat(submission, of: submissions[pending]) { plan.unchanged += 1; continue }
            } else if let earlier, let pending = earlier.planned[key] {
                let asserted = earlier.checked.submissions[pending]
                if asserted.expires.map({ $0 > now }) ?? true, isRepeat(submission, of: asserted) {
                    plan.unchanged += 1
                    continue
                }
            } else if let current = try view.ownAssertionInForce(kind: submission.kind, digest: digest, at: now),
                isRepeat(submission, of: current)
            {
                plan.unchanged += 1
                continue
            }
            plan.planned[key] = position
            plan.drafts.append(
                Draft(
                    action: .assert,
                    kind: submission.kind,
                    identifier: submission.identifier,
                    digest: digest,
                    confidence: submission.confidence,
                    reason: submission.reason,
                    expires: submission.expires,
                    note: submission.note
                )
            )
        }
        return plan
    }

    /// A chunk of submissions made into a signed batch ahead of the transaction that appends it
    /// (``prepare(_:after:)``), so that an import makes the next chunk's entries on one core while the store commits
    /// the chunk before it on the other.
    struct PreparedSubmission: Sendable {
        var checked: CheckedSubmissions
        /// What the chunk asserts (``SubmissionPlan/planned``), for the chunk after it.
        var planned: [Submission.Subject: Int]
        /// The batch, made against the head the log has once the chunk before it is appended; `nil` when the log was
        /// elsewhere (another writer appended), and the chunk is planned inside its transaction.
        var made: PreparedOwnBatch<Int>?
        /// The log as this chunk leaves it, when made ahead.
        var end: MerkleFrontier?
    }

    /// Validates and digests `submissions` and, when it can, plans them and makes their entries against the head the
    /// log will have once `earlier` (made the same way, perhaps still committing) is appended. Reads the store in a
    /// snapshot only: nothing is written.
    /// - Throws: ``HallmarkError`` naming the first invalid submission.
    func prepare(_ submissions: [Submission], after earlier: PreparedSubmission?) async throws -> PreparedSubmission {
        let checked = try check(submissions)
        let unprepared = PreparedSubmission(checked: checked, planned: [:], made: nil, end: nil)
        if let earlier, earlier.end == nil { return unprepared }
        let pending = earlier.flatMap { earlier in
            earlier.made.map { (from: $0.base.treeSize, to: earlier.end?.size ?? $0.base.treeSize) }
        }
        let member = identity.member
        let signing = (key: identity.signingKey, id: identity.allianceKey.id)
        let now = Timestamp.now()
        let made = try await store.readOwnLog(after: pending) { view in
            let plan = try Self.plan(checked, in: view, at: now, after: earlier)
            let base = earlier?.end ?? view.head?.frontier ?? MerkleFrontier()
            let made =
                plan.drafts.isEmpty
                ? nil : try Self.batch(of: plan.drafts, member: member, extending: base, at: now, signing: signing)
            return PreparedSubmission(
                checked: checked,
                planned: plan.planned,
                made: PreparedOwnBatch(base: (base.size, base.root), batch: made?.batch, result: plan.unchanged),
                end: made?.end ?? base
            )
        }
        return made ?? unprepared
    }

    /// Appends a chunk ``prepare(_:after:)`` made: as made when the log still ends where it was made to follow,
    /// planned again against the log inside the transaction otherwise.
    func commit(_ prepared: PreparedSubmission) async throws -> SubmissionOutcome {
        let checked = prepared.checked
        return try await appendOwn(.assert, prepared: prepared.made) { view, now in
            let plan = try Self.plan(checked, in: view, at: now, after: nil)
            return (plan.drafts, plan.unchanged)
        }
    }

    /// Retracts this member's own standing assertions of `identifiers`.
    /// - Throws: ``HallmarkError`` `not-permitted` when this member has no standing assertion of one of them.
    @discardableResult
    public func retract(_ identifiers: [Identifier], note: String = "") async throws -> SubmissionOutcome {
        let digests = identifiers.map { digest(of: $0) }
        let member = identity.member
        return try await appendOwn(.retract) { view, _ in
            var drafts: [Draft] = []
            var seen = Set<Hash256>()
            for (identifier, digest) in zip(identifiers, digests) where seen.insert(digest).inserted {
                guard let current = try view.ownAssertion(kind: identifier.kind, digest: digest), current.listed else {
                    throw HallmarkError(
                        .notPermitted,
                        "\(member) has no standing assertion of \(identifier.kind) '\(identifier.normalized)' to retract; only an indicator's origin can retract it"
                    )
                }
                drafts.append(
                    Draft(
                        action: .retract,
                        kind: identifier.kind,
                        identifier: identifier,
                        digest: digest,
                        confidence: 0,
                        reason: "",
                        note: note
                    )
                )
            }
            return (drafts, 0)
        }
    }

    /// Disputes another member's assertion of `identifier` (a false-positive report). Removes nothing.
    /// - Throws: ``HallmarkError`` when `origin` is this member, or holds no assertion of the identifier here.
    @discardableResult
    public func dispute(
        _ identifier: Identifier,
        origin: MemberID,
        reason: String,
        note: String = ""
    ) async throws -> SubmissionOutcome {
        let member = identity.member
        guard origin != member else {
            throw HallmarkError(.notPermitted, "a member cannot dispute its own assertion; retract it instead")
        }
        let digest = digest(of: identifier)
        return try await appendOwn(.dispute) { view, _ in
            let assertions = try view.assertions(kind: identifier.kind, digest: digest)
            guard assertions.contains(where: { $0.origin == origin }) else {
                throw HallmarkError(
                    .notFound,
                    "\(origin) has no assertion of \(identifier.kind) '\(identifier.normalized)' in this store to dispute"
                )
            }
            let draft = Draft(
                action: .dispute,
                kind: identifier.kind,
                identifier: identifier,
                digest: digest,
                confidence: 0,
                reason: reason,
                note: note,
                disputedOrigin: origin
            )
            return ([draft], 0)
        }
    }

    /// An entry before it has an index and a time.
    struct Draft: Sendable {
        var action: EntryAction
        var kind: IndicatorKind
        /// The raw identifier, kept in this member's store for its own assertions; `nil` for a digest given as is.
        var identifier: Identifier?
        var digest: Hash256
        var confidence: Int
        var reason: String
        var expires: Timestamp?
        var note: String
        var disputedOrigin: MemberID?
    }

    /// Turns drafts into entries at the end of this member's log and appends them under one signed checkpoint.
    /// - Parameters:
    ///   - action: The action of every draft `plan` makes, for the metrics.
    ///   - prepared: A batch made ahead of the transaction, appended instead when the log still ends at its base.
    private func appendOwn(
        _ action: EntryAction,
        prepared: PreparedOwnBatch<Int>? = nil,
        _ plan: @escaping @Sendable (OwnLogView, Timestamp) throws -> (drafts: [Draft], unchanged: Int)
    ) async throws -> SubmissionOutcome {
        let member = identity.member
        let signing = (key: identity.signingKey, id: identity.allianceKey.id)
        let (outcome, unchanged) = try await store.extendOwnLog(prepared: prepared) { view in
            let now = Timestamp.now()
            let (drafts, unchanged) = try plan(view, now)
            guard !drafts.isEmpty else { return (nil, unchanged) }
            let base = view.head?.frontier ?? MerkleFrontier()
            return (
                try Self.batch(of: drafts, member: member, extending: base, at: now, signing: signing).batch, unchanged
            )
        }
        metrics.recordSubmitted(action, count: outcome.appended)
        if outcome.appended > 0 {
            headUpdates.publish(member)
            logger.info(
                "appended to own log",
                metadata: ["log.appended": "\(outcome.appended)", "log.size": "\(outcome.treeSize)"]
            )
        }
        return SubmissionOutcome(appended: outcome.appended, unchanged: unchanged, logSize: outcome.treeSize)
    }

    /// Makes `drafts` into entries of `member`'s log from the end of `base`, under a checkpoint signed at `time`; returns
    /// the batch and the log as it leaves it.
    private static func batch(
        of drafts: [Draft],
        member: MemberID,
        extending base: MerkleFrontier,
        at time: Timestamp,
        signing: (key: P256.Signing.PrivateKey, id: String)
    ) throws -> (batch: LogBatch, end: MerkleFrontier) {
        var frontier = base
        var items: [LogBatch.Item] = []
        var locals: [LogBatch.LocalIdentifier] = []
        items.reserveCapacity(drafts.count)
        for draft in drafts {
            let entry = try Entry(
                origin: member,
                index: frontier.size,
                time: time,
                action: draft.action,
                kind: draft.kind,
                digest: draft.digest,
                keyID: draft.kind.isSharedUnkeyed ? "" : signing.id,
                confidence: UInt8(clamping: draft.confidence),
                reason: draft.reason,
                expires: draft.expires,
                note: draft.note,
                disputedOrigin: draft.disputedOrigin
            )
            let item = LogBatch.Item(encoding: entry)
            frontier.append(item.leafHash)
            items.append(item)
            if draft.action == .assert, let identifier = draft.identifier {
                locals.append(LogBatch.LocalIdentifier(identifier: identifier, digest: draft.digest))
            }
        }
        let checkpoint = try Checkpoint.sign(
            origin: member,
            treeSize: frontier.size,
            rootHash: frontier.root,
            time: time,
            using: signing.key
        )
        let batch = LogBatch(
            origin: member,
            items: items,
            checkpoint: checkpoint,
            receivedFrom: member,
            localIdentifiers: locals
        )
        return (batch, frontier)
    }

    static func isRepeat(_ submission: Submission, of current: AssertionRecord) -> Bool {
        submission.confidence == current.confidence && submission.reason == current.reason
            && submission.note == current.note && expiriesMatch(submission.expires, current.expires)
    }

    static func isRepeat(_ submission: Submission, of other: Submission) -> Bool {
        submission.confidence == other.confidence && submission.reason == other.reason
            && submission.note == other.note && expiriesMatch(submission.expires, other.expires)
    }

    private static func expiriesMatch(_ a: Timestamp?, _ b: Timestamp?) -> Bool {
        switch (a, b) {
        case (nil, nil): return true
        case let (a?, b?):
            // A stored expiry comes from the store file, which may be damaged: no overflow, whatever it holds.
            let (difference, overflow) = a.millisecondsSince1970.subtractingReportingOverflow(b.millisecondsSince1970)
            return !overflow && difference.magnitude <= expiryTolerance.magnitude
        default: return false
        }
    }
}
