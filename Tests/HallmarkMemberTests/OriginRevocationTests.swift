import Foundation
import HallmarkCore
import HallmarkMember
import HallmarkPKI
import HallmarkStore
import HallmarkTestSupport
import Testing

@Suite("A revoked origin's entries stay, marked; whether its assertions still count depends on why")
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

    /// Revokes brand-b's certificate in `alliance` and has `node` apply the new list.
    static func revokeBrandB(_ reason: RevocationReason, in alliance: URL, appliedBy node: MemberNode) throws
        -> RevocationList
    {
        _ = try AllianceFiles.revoke(
            allianceDirectory: alliance,
            memberCertificateFile: alliance.appendingPathComponent("brand-b/member.pem"),
            reason: reason
        )
        let list = try #require(try AllianceFiles.loadRevocationList(in: alliance, trust: node.identity.trust))
        #expect(node.useRevocationList(list))
        return list
    }

    @Test(
        "check and audit mark the revoked origin with since when and why",
        arguments: [
            (RevocationReason.superseded, true), (.cessationOfOperation, true), (.keyCompromise, false),
            (.privilegeWithdrawn, false), (.unspecified, false),
        ]
    )
    func marked(reason: RevocationReason, stillListed: Bool) async throws {
        let seller = try Identifier(kind: .seller, value: "shopmart:revoked says so")
        let scene = try await Scene(seller)
        defer { scene.remove() }
        let (brandA, brandB, alliance) = (scene.brandA, scene.brandB, scene.alliance)
        let member = brandB.node.identity.member
        #expect(try await brandA.node.check(seller).revokedOrigins.isEmpty)
        let list = try Self.revokeBrandB(reason, in: alliance, appliedBy: brandA.node)
        let revocation = try #require(list.revocations.first)

        let verdict = try await brandA.node.check(seller)
        #expect(verdict.status == (stillListed ? .listed : .notListed))
        #expect(verdict.origins.map(\.origin) == [member])
        let mark = try #require(verdict.revokedOrigins[member])
        #expect(mark == OriginRevocation(since: Timestamp(revocation.time), reason: reason, listNumber: list.number))
        #expect(mark.assertionsCount == stillListed)
        let body = ReportDocument.VerdictBody(verdict)
        #expect(body.origins.first?.revoked?.reason == reason.name)
        #expect(body.origins.first?.revoked?.since == Timestamp(revocation.time).iso8601)

        let audit = try await brandA.node.audit(seller)
        #expect(audit.allVerified)
        #expect(audit.revokedOrigins[member] == mark)
        #expect(ReportDocument.AuditBody(audit).entries.allSatisfy { $0.revoked?.revocationList == list.number })
    }

    @Test("another member's verdict is unmarked, and a second listing origin keeps an identifier listed")
    func otherOrigins() async throws {
        let seller = try Identifier(kind: .seller, value: "shopmart:two say so")
        let scene = try await Scene(seller)
        defer { scene.remove() }
        let (brandA, brandB, alliance) = (scene.brandA, scene.brandB, scene.alliance)
        try await brandA.node.submit([Submission(identifier: seller)])
        _ = try Self.revokeBrandB(.keyCompromise, in: alliance, appliedBy: brandA.node)
        let verdict = try await brandA.node.check(seller)
        #expect(verdict.status == .listed)
        #expect(verdict.origins.count == 2)
        #expect(Set(verdict.revokedOrigins.keys) == [brandB.node.identity.member])
        let json = ReportDocument.VerdictBody(verdict)
        #expect(json.origins.filter { $0.revoked != nil }.map(\.member) == ["brand-b"])
    }
}
