import Foundation
import HallmarkCore
import HallmarkMember
import HallmarkRecords
import HallmarkStore

/// A log of a development member signed with its real development key, made in a store of its own: two of them with
/// different entries are two forks of that member's log, what a member that equivocates shows to different peers.
public struct ForkedLog: Sendable {
    /// The store holding the fork, as its origin.
    public let node: Member
    /// Its data folder.
    public let folder: URL

    /// Makes a fork of `member`'s log with `entries` seller assertions whose values start with `tag`.
    public static func make(_ member: String, entries: Int, tag: String) async throws -> ForkedLog {
        let folder = DevelopmentAlliance.temporaryFolder("hallmark-fork")
        let node = try await DevelopmentAlliance.makeNode(member, in: folder)
        try await node.submit(
            try (0..<entries).map { Submission(identifier: try Identifier(kind: .seller, value: "\(tag):\($0)")) }
        )
        return ForkedLog(node: node, folder: folder)
    }

    /// The fork's origin.
    public var origin: MemberID { node.identity.member }

    /// The fork's latest checkpoint, signed with the origin's key.
    public func checkpoint() async throws -> Checkpoint {
        guard let checkpoint = try await node.store.latestCheckpoint(of: origin) else {
            throw HallmarkError(.notFound, "the fork of \(origin) has no checkpoint")
        }
        return checkpoint
    }

    /// Hands `receiver` the fork, verified as a received batch, as if the origin had shown it this log.
    public func show(to receiver: Member) async throws {
        try await DevelopmentAlliance.relay(logOf: origin, from: node, to: receiver)
    }

    /// Quarantines the fork's origin at `receiver` as if `peer` had offered this fork's checkpoint contradicting
    /// another: the evidence is recorded and the origin quarantined, as the member layer does on equivocation.
    public func quarantine(at receiver: Member, offeredBy peer: MemberID) async throws {
        let pem = try String(contentsOf: DevelopmentAlliance.certificate(origin.rawValue), encoding: .utf8)
        let evidence = EquivocationEvidence(
            origin: origin,
            heldCheckpoint: nil,
            offeredCheckpoint: try await checkpoint().encoded(),
            offeredCertificatePEM: pem,
            peer: peer,
            detectedAt: .now()
        )
        try await receiver.store.recordEquivocation(evidence, quarantine: true)
    }

    /// Deletes the fork's folder.
    public func remove() {
        try? FileManager.default.removeItem(at: folder)
    }
}
