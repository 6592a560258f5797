import Foundation
import HallmarkCore
import HallmarkDocuments
import HallmarkMember
import HallmarkPKI
import HallmarkRecords
import HallmarkStore
import HallmarkTestSupport
import Testing

@Suite("A revoked origin's entries stay, marked; its assertions count only if received before the revocation")
struct OriginRevocationTests {
    /// brand-a holding brand-b's assertion of an identifier, and the development alliance copied so that it can revoke.
    struct Scene {
        let brandA: NodeFixture
        let brandB: NodeFixture
        let alliance: URL

        init(_ seller: Identifier) async throws {
            brandB = try await NodeFixture.make("brand-b")
            brandA = try await NodeFixture.make("brand-a")
            try await brandB.node.submit([Submission(identifier: seller, confidence: 70)])
            try await brandA.receive(logOf: brandB.node.identity.member, from: brandB.node)
            alliance = DevelopmentAlliance.temporaryFolder("hallmark-alliance")
            try FileManager.default.copyItem(at: DevelopmentAlliance.folder, to: alliance)
        }

        func remove() {
            brandA.remove()
            brandB.remove()
            try? FileManager.default.removeItem(at: alliance)
        }
    }

    /// Revokes brand-b's certificate in `alliance` as of `time` and has `node` apply the new list.
    static func revokeBrandB(_ reason: RevocationReason, at time: Date, in alliance: URL, appliedBy node: Member)
        throws -> RevocationList
    {
        _ = try AllianceFiles.revoke(
            allianceDirectory: alliance,
            memberCertificateFile: alliance.appendingPathComponent("brand-b/member.pem"),
            reason: reason,
            at: time
        )
        let list = try #require(try AllianceFiles.loadRevocationList(in: alliance, trust: node.identity.trust))
        #expect(node.useRevocationList(list))
        return list
    }

    @Test(
        "check and audit mark the revoked origin; its assertion counts only if received before the revocation",
        arguments: [
            (RevocationReason.superseded, false), (.keyCompromise, false), (.keyCompromise, true),
            (.privilegeWithdrawn, true),
        ]
    )
    func marked(reason: RevocationReason, backdated: Bool) async throws {
        let seller = try Identifier(kind: .seller, value: "shopmart:revoked says so")
        let scene = try await Scene(seller)
        defer { scene.remove() }
        let (brandA, brandB, alliance) = (scene.brandA, scene.brandB, scene.alliance)
        let member = brandB.node.identity.member
        #expect(try await brandA.node.check(seller).revokedOrigins.isEmpty)
        #expect(brandA.node.checkInMemory(seller)?.status == .listed)
        // Revocations are in whole seconds: revoke from the next second on, or from an hour before the entry arrived.
        if !backdated { try await Task.sleep(for: .milliseconds(1_100)) }
        let time = backdated ? Date(timeIntervalSinceNow: -3_600) : Date()
        let list = try Self.revokeBrandB(reason, at: time, in: alliance, appliedBy: brandA.node)
        let revocation = try #require(list.revocations.first)

        let verdict = try await brandA.node.check(seller)
        #expect(verdict.status == (backdated ? .notListed : .listed))
        // The marks need the origin's certificate from the store: memory alone does not answer.
        #expect(brandA.node.checkInMemory(seller) == nil)
        #expect(verdict.origins.map(\.origin) == [member])
        let mark = try #require(verdict.revokedOrigins[member])
        #expect(mark == OriginRevocation(since: Timestamp(revocation.time), reason: reason, listNumber: list.number))
        #expect(mark.counts(verdict.origins[0]) == !backdated)
        let body = APIDocument.VerdictBody(verdict)
        #expect(body.origins.first?.revoked?.reason == reason.name)
        #expect(body.origins.first?.revoked?.since == Timestamp(revocation.time).iso8601)
        #expect(body.origins.first?.revoked?.counts == !backdated)

        let audit = try await brandA.node.audit(seller)
        #expect(audit.allVerified)
        #expect(audit.revokedOrigins[member] == mark)
        #expect(APIDocument.AuditBody(audit).entries.allSatisfy { $0.revoked?.revocationList == list.number })
    }

    @Test("only the revoked origin is marked, and another origin's assertion keeps an identifier listed")
    func otherOrigins() async throws {
        let seller = try Identifier(kind: .seller, value: "shopmart:two say so")
        let scene = try await Scene(seller)
        defer { scene.remove() }
        let (brandA, brandB, alliance) = (scene.brandA, scene.brandB, scene.alliance)
        try await brandA.node.submit([Submission(identifier: seller)])
        let backdated = Date(timeIntervalSinceNow: -3_600)
        _ = try Self.revokeBrandB(.keyCompromise, at: backdated, in: alliance, appliedBy: brandA.node)
        let verdict = try await brandA.node.check(seller)
        #expect(verdict.status == .listed)
        #expect(verdict.origins.count == 2)
        #expect(Set(verdict.revokedOrigins.keys) == [brandB.node.identity.member])
        let json = APIDocument.VerdictBody(verdict)
        #expect(json.origins.filter { $0.revoked != nil }.map(\.member) == ["brand-b"])
    }
}
