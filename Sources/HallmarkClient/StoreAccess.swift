import Foundation
import HallmarkCore
import HallmarkDocuments
import HallmarkEvidence
import HallmarkMember
import Logging

/// A member's store opened directly, when no node runs on its data folder.
public struct StoreAccess: MemberAccess {
    /// The member's node, over its store.
    public let node: Member

    /// Opens the store in `dataDirectory`.
    /// - Throws: ``HallmarkError`` when the folder holds no usable store.
    public static func open(dataDirectory: URL, logger: Logger) async throws -> StoreAccess {
        StoreAccess(
            node: try await Member.open(dataDirectory: dataDirectory, logger: logger, holdingListedTable: false)
        )
    }

    public func submit(_ submissions: [Submission], progress: (_ sent: Int) -> Void) async throws
        -> SubmissionOutcome
    {
        let outcome = try await node.submit(submissions)
        progress(submissions.count)
        return outcome
    }

    public func importFile(at path: String, progress: (ImportProgress) -> Void) async throws -> ImportOutcome {
        try await node.importFile(at: path, progress: progress)
    }

    public func retract(_ identifiers: [Identifier], note: String) async throws -> SubmissionOutcome {
        try await node.retract(identifiers, note: note)
    }

    public func dispute(_ identifier: Identifier, origin: MemberID, reason: String, note: String) async throws
        -> SubmissionOutcome
    {
        try await node.dispute(identifier, origin: origin, reason: reason, note: note)
    }

    public func check(_ identifiers: [Identifier], imageDistance: Int?) async throws -> [APIDocument.VerdictBody] {
        try await node.check(identifiers, imageDistance: imageDistance).map(APIDocument.VerdictBody.init)
    }

    public func audit(_ identifier: Identifier) async throws -> APIDocument.AuditBody {
        APIDocument.AuditBody(try await node.audit(identifier))
    }

    public func evidence(_ identifier: Identifier) async throws -> EvidenceBundle {
        try await node.evidence(about: identifier)
    }

    public func auditOrigin(_ origin: MemberID) async throws -> OriginAudit {
        OriginAudit(try await node.auditOrigin(origin))
    }

    public func clearQuarantine(of origin: MemberID, note: String) async throws -> APIDocument.QuarantineClearance {
        APIDocument.QuarantineClearance(try await node.clearQuarantine(of: origin, note: note))
    }

    public func contributionReport(since: String?) async throws -> ContributionReport {
        let now = Timestamp.now()
        let start = try since.map { try ExpiryParser.parseStart($0, now: now, option: "--since") }
        return try await node.contributionReport(since: start, now: now)
    }

    public func status() async throws -> APIDocument.StatusBody {
        APIDocument.StatusBody(try await node.status())
    }

    public func peers() async throws -> APIDocument.Peers? { nil }

    public func close() async throws {
        try await node.close()
    }
}
