import Foundation
import HallmarkCore
import HallmarkMember
import HallmarkRecords
import HallmarkStore
import HallmarkTestSupport
import Logging
import Testing

@Suite("Member")
struct MemberTests {
    @Test("submit, check, restart, check again")
    func submitAndCheck() async throws {
        let fixture = try await NodeFixture.make("brand-a")
        defer { fixture.remove() }
        let seller = try Identifier(kind: .seller, value: "ShopMart:Fake Bags")
        let outcome = try await fixture.node.submit([Submission(identifier: seller, confidence: 85, note: "bags")])
        #expect(outcome == SubmissionOutcome(appended: 1, unchanged: 0, logSize: 1))

        let verdict = try await fixture.node.check(try Identifier(kind: .seller, value: "shopmart:fake bags"))
        #expect(verdict.isListed)
        #expect(verdict.origins.map(\.origin.rawValue) == ["brand-a"])
        #expect(verdict.origins.first?.confidence == 85)

        let reopened = try await fixture.reopened()
        #expect(try await reopened.check(seller).isListed)
        #expect(try await !reopened.check(try Identifier(kind: .seller, value: "shopmart:other")).isListed)
    }

    @Test("a repeated assertion is not appended; a changed one is")
    func deduplication() async throws {
        let fixture = try await NodeFixture.make("brand-a")
        defer { fixture.remove() }
        let sku = try Identifier(kind: .sku, value: "LV-M40990")
        let same = try Identifier(kind: .sku, value: "lv m40990")
        #expect(
            try await fixture.node.submit([Submission(identifier: sku), Submission(identifier: same)]).appended == 1
        )
        #expect(try await fixture.node.submit([Submission(identifier: same)]).unchanged == 1)
        #expect(try await fixture.node.submit([Submission(identifier: same, confidence: 50)]).appended == 1)
    }

    @Test("a repeat is recognized even when another process appended it, behind this filter's back")
    func repeatWrittenElsewhere() async throws {
        let fixture = try await NodeFixture.make("brand-a")
        defer { fixture.remove() }
        // A second handle on the folder, as `hallmark import` beside a node: its appends never reach the node's filter,
        // so the node must not take the filter's "absent" as "not asserted" (it asks the store).
        let other = try await Member.open(dataDirectory: fixture.folder, logger: Logger(label: "test"))
        let sku = try Identifier(kind: .sku, value: "written-elsewhere")
        #expect(try await other.submit([Submission(identifier: sku, confidence: 70)]).appended == 1)
        #expect(try await fixture.node.submit([Submission(identifier: sku, confidence: 70)]).unchanged == 1)
        // Once the node's filter covers its log again, an absent digest is new without asking the store.
        try await fixture.node.store.rebuildFilter()
        let fresh = try Identifier(kind: .sku, value: "fresh")
        #expect(
            try await fixture.node.submit([Submission(identifier: fresh), Submission(identifier: sku, confidence: 70)])
                == SubmissionOutcome(appended: 1, unchanged: 1, logSize: 2)
        )
        try await other.close()
    }

    @Test("expired assertions are not listed")
    func expiry() async throws {
        let fixture = try await NodeFixture.make("brand-a")
        defer { fixture.remove() }
        let sku = try Identifier(kind: .sku, value: "short-lived")
        let now = Timestamp.now().millisecondsSince1970
        let inAnHour = Timestamp(millisecondsSince1970: now + 3_600_000)
        try await fixture.node.submit([Submission(identifier: sku, expires: inAnHour)])
        #expect(try await fixture.node.check(sku).isListed)
        let verdict = try await fixture.node.check(sku, at: Timestamp(millisecondsSince1970: now + 7_200_000))
        #expect(!verdict.isListed)
        #expect(verdict.filterFalsePositive)
    }

    @Test("dispute another member's assertion received through a relay; audit proves both origins")
    func disputeAndAudit() async throws {
        let brandB = try await NodeFixture.make("brand-b")
        let brandA = try await NodeFixture.make("brand-a")
        defer {
            brandB.remove()
            brandA.remove()
        }
        let seller = try Identifier(kind: .seller, value: "bazaar:reseller-9")
        try await brandB.node.submit([Submission(identifier: seller, confidence: 70, reason: "counterfeit")])
        try await brandA.receive(logOf: brandB.node.identity.member, from: brandB.node)

        let verdict = try await brandA.node.check(seller)
        #expect(verdict.isListed)
        #expect(verdict.origins.first?.origin.rawValue == "brand-b")

        // A member cannot retract another's assertion, nor dispute its own.
        let retraction = try await #require(throws: HallmarkError.self) { try await brandA.node.retract([seller]) }
        #expect(retraction.code == .notPermitted)
        #expect(retraction.message.contains("no standing assertion"), "\(retraction)")
        let brandBID = brandB.node.identity.member
        try await brandA.node.dispute(seller, origin: brandBID, reason: "authorized-reseller", note: "contract 2026-17")
        let ownDispute = try await #require(throws: HallmarkError.self) {
            try await brandA.node.dispute(seller, origin: brandA.node.identity.member, reason: "x")
        }
        #expect(ownDispute.code == .notPermitted)
        #expect(ownDispute.message.contains("cannot dispute its own assertion"), "\(ownDispute)")
        let nothingToDispute = try await #require(throws: HallmarkError.self) {
            try await brandA.node.dispute(try Identifier(kind: .sku, value: "unknown"), origin: brandBID, reason: "x")
        }
        #expect(nothingToDispute.code == .notFound)
        #expect(nothingToDispute.message.contains("has no assertion of sku"), "\(nothingToDispute)")

        let disputed = try await brandA.node.check(seller)
        #expect(disputed.isListed)
        #expect(disputed.origins.first?.disputes.map(\.disputer.rawValue) == ["brand-a"])
        #expect(disputed.origins.first?.disputes.first?.reason == "authorized-reseller")

        let report = try await brandA.node.audit(seller)
        #expect(
            report.entries.map { "\($0.stored.entry.origin)#\($0.stored.entry.index)" } == ["brand-a#0", "brand-b#0"]
        )
        #expect(report.entries.last?.stored.receivedFrom.rawValue == "brand-b")
        #expect(report.allVerified)

        // Receiving the same log again stores nothing twice.
        try await brandA.receive(logOf: brandBID, from: brandB.node)
        #expect(try await brandA.node.status().store.entryCount == 2)
    }
}

@Suite("Member.receive")
struct MemberNodeReceiveTests {
    @Test("a batch with a forged signature, another origin's certificate or a foreign CA stores nothing")
    func rejectsUnverifiedBatches() async throws {
        let brandB = try await NodeFixture.make("brand-b")
        let brandA = try await NodeFixture.make("brand-a")
        defer {
            brandB.remove()
            brandA.remove()
        }
        let origin = brandB.node.identity.member
        try await brandB.node.submit([Submission(identifier: try Identifier(kind: .sku, value: "X-1"))])
        let checkpoint = try #require(try await brandB.node.store.latestCheckpoint(of: origin))
        let bytes = try await brandB.node.store.entryBytes(origin: origin, index: 0)
        let item = LogBatch.Item(entry: try Entry(decoding: bytes), bytes: bytes)
        let brandBPEM = try #require(try await brandB.node.store.memberCertificatePEM(origin))
        let marketPEM = try String(
            contentsOf: DevelopmentAlliance.certificate("market-c"),
            encoding: .utf8
        )

        // Signed by another key: the checkpoint of brand-b re-signed by brand-a's key.
        let forged = try Checkpoint.sign(
            origin: origin,
            treeSize: checkpoint.treeSize,
            rootHash: checkpoint.rootHash,
            time: checkpoint.time,
            using: brandA.node.identity.signingKey
        )
        let unsigned = try await #require(throws: HallmarkError.self) {
            try await brandA.node.receive(
                LogBatch(origin: origin, items: [item], checkpoint: forged, receivedFrom: origin),
                originCertificatePEM: brandBPEM
            )
        }
        #expect(unsigned.code == .badSignature)
        #expect(unsigned.location == "signature")
        // The right signature, but presented with another member's certificate.
        let misnamed = try await #require(throws: HallmarkError.self) {
            try await brandA.node.receive(
                LogBatch(origin: origin, items: [item], checkpoint: checkpoint, receivedFrom: origin),
                originCertificatePEM: marketPEM
            )
        }
        #expect(misnamed.code == .untrustedCredential)
        #expect(misnamed.message.contains("names market-c"), "\(misnamed)")
        #expect(try await brandA.node.status().store.entryCount == 0)
        #expect(try await brandA.node.store.memberCertificatePEM(origin) == nil)

        try await brandA.node.receive(
            LogBatch(origin: origin, items: [item], checkpoint: checkpoint, receivedFrom: origin),
            originCertificatePEM: brandBPEM
        )
        #expect(try await brandA.node.status().store.entryCount == 1)
    }
}
