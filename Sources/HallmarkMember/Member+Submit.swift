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
        try Submission.validate(submissions, minimumQuality: imageMatching.minimumQuality)
        let digests = submissions.map { submission in
            switch submission.subject {
            case .identifier(let identifier): digest(of: identifier)
            case .digest(_, let digest): digest
            }
        }
        return try await appendOwn(.assert) { view, now in
            // Keyed by kind and digest: a digest given as such (API, STIX import) may be the same bytes under two kinds.
            // The position of the submission planned for it, not a copy (an import's chunk of 50 000 copies took
            // 36 MB here).
            var planned = [Submission.Subject: Int](minimumCapacity: submissions.count)
            var drafts: [Draft] = []
            var unchanged = 0
            for (position, (submission, digest)) in zip(submissions, digests).enumerated() {
                let key = Submission.Subject.digest(submission.kind, digest)
                if let pending = planned[key] {
                    if Self.isRepeat(submission, of: submissions[pending]) { unchanged += 1; continue }
                } else if let current = try view.ownAssertionInForce(kind: submission.kind, digest: digest, at: now),
                    Self.isRepeat(submission, of: current)
                {
                    unchanged += 1
                    continue
                }
                planned[key] = position
                drafts.append(
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
            return (drafts, unchanged)
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
    /// - Parameter action: The action of every draft `plan` makes, for the metrics.
    private func appendOwn(
        _ action: EntryAction,
        _ plan: @escaping @Sendable (OwnLogView, Timestamp) throws -> (drafts: [Draft], unchanged: Int)
    ) async throws -> SubmissionOutcome {
        let member = identity.member
        let signingKey = identity.signingKey
        let keyID = identity.allianceKey.id
        let (outcome, unchanged) = try await store.extendOwnLog { view in
            let now = Timestamp.now()
            let (drafts, unchanged) = try plan(view, now)
            guard !drafts.isEmpty else { return (nil, unchanged) }
            var frontier = view.head?.frontier ?? MerkleFrontier()
            var items: [LogBatch.Item] = []
            var locals: [LogBatch.LocalIdentifier] = []
            items.reserveCapacity(drafts.count)
            for draft in drafts {
                let entry = try Entry(
                    origin: member,
                    index: frontier.size,
                    time: now,
                    action: draft.action,
                    kind: draft.kind,
                    digest: draft.digest,
                    keyID: draft.kind.isSharedUnkeyed ? "" : keyID,
                    confidence: UInt8(clamping: draft.confidence),
                    reason: draft.reason,
                    expires: draft.expires,
                    note: draft.note,
                    disputedOrigin: draft.disputedOrigin
                )
                let item = LogBatch.Item(encoding: entry)
                frontier.append(MerkleHash.leaf(item.bytes))
                items.append(item)
                if draft.action == .assert, let identifier = draft.identifier {
                    locals.append(LogBatch.LocalIdentifier(identifier: identifier, digest: draft.digest))
                }
            }
            let checkpoint = try Checkpoint.sign(
                origin: member,
                treeSize: frontier.size,
                rootHash: frontier.root,
                time: now,
                using: signingKey
            )
            let batch = LogBatch(
                origin: member,
                items: items,
                checkpoint: checkpoint,
                receivedFrom: member,
                localIdentifiers: locals
            )
            return (batch, unchanged)
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
