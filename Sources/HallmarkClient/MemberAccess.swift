import HallmarkCore
import HallmarkDocuments
import HallmarkEvidence
import HallmarkMember

/// What the command line asks of a member: answered by its running node over the control socket
/// (``NodeClient``), or by its store opened directly when no node runs (``StoreAccess``).
///
/// Both answer with the same documents and throw the same ``HallmarkError``s, so that what a person sees does not
/// depend on the way taken. ``MemberRouter`` chooses the way.
public protocol MemberAccess: Sendable {
    /// Asserts indicators, calling `progress` with the number sent after each part is committed.
    /// - Throws: ``HallmarkError`` naming the first invalid submission (nothing is sent then), or the node's or the
    ///   store's refusal.
    func submit(_ submissions: [Submission], progress: (_ sent: Int) -> Void) async throws -> SubmissionOutcome

    /// Asserts every indicator of a CSV or JSON Lines file: checked whole first (a bad line refuses it, naming the
    /// line, and nothing is appended), then appended in chunks of ``Member/importChunkSize``, each under its own
    /// signed checkpoint. A running node is sent the file whole and imports it the same way.
    /// - Parameter progress: Told where the import stands, a few times a second at most.
    /// - Throws: ``HallmarkError`` naming the line of a bad file; once chunks are committed, the error that stopped the
    ///   import, saying how many indicators are kept.
    func importFile(at path: String, progress: (ImportProgress) -> Void) async throws -> ImportOutcome

    /// Retracts this member's own standing assertions of `identifiers`.
    /// - Throws: ``HallmarkError`` `not-permitted` when this member has no standing assertion of one of them.
    func retract(_ identifiers: [Identifier], note: String) async throws -> SubmissionOutcome

    /// Disputes `origin`'s assertion of `identifier`.
    /// - Throws: ``HallmarkError`` when `origin` is this member, or holds no assertion of the identifier.
    func dispute(_ identifier: Identifier, origin: MemberID, reason: String, note: String) async throws
        -> SubmissionOutcome

    /// One verdict per identifier, in order; `image-pdq` hashes match listed ones within `imageDistance` bits (the
    /// node's setting when `nil`).
    func check(_ identifiers: [Identifier], imageDistance: Int?) async throws -> [APIDocument.VerdictBody]

    /// Every entry about `identifier`, each with its proofs.
    func audit(_ identifier: Identifier) async throws -> APIDocument.AuditBody

    /// The signed evidence bundle about `identifier` (`Protocol/evidence.md`).
    /// - Throws: ``HallmarkError`` `not-found` when no entry about it is held.
    func evidence(_ identifier: Identifier) async throws -> EvidenceBundle

    /// One origin's log, the cosigners of its latest checkpoint and any equivocation evidence.
    /// - Throws: ``HallmarkError`` `not-found` when nothing of it is held.
    func auditOrigin(_ origin: MemberID) async throws -> OriginAudit

    /// Lets `origin`'s quarantined log grow again (an operator's decision, recorded with `note`); the evidence stays.
    /// - Throws: ``HallmarkError`` `not-found` when `origin` is not quarantined, `invalid-value` for a bad note.
    func clearQuarantine(of origin: MemberID, note: String) async throws -> APIDocument.QuarantineClearance

    /// The contribution report of every member whose log or certificate is held.
    /// - Parameter since: The start of the period as `hallmark audit report --since` takes it; everything when `nil`.
    /// - Throws: ``HallmarkError`` `invalid-value` when `since` is not a time or a duration back from now.
    func contributionReport(since: String?) async throws -> ContributionReport

    /// What the member's store holds.
    func status() async throws -> APIDocument.StatusBody

    /// The running node's configured peers; `nil` when no node runs.
    func peers() async throws -> APIDocument.Peers?

    /// Ends the access: the store saves its filter snapshot and closes; a node is left running.
    func close() async throws
}

extension MemberAccess {
    /// ``submit(_:progress:)`` without progress.
    public func submit(_ submissions: [Submission]) async throws -> SubmissionOutcome {
        try await submit(submissions, progress: { _ in })
    }
}
