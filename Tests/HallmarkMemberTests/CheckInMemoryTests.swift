import Foundation
import HallmarkCore
import HallmarkDocuments
import HallmarkMember
import HallmarkRecords
import HallmarkStore
import HallmarkTestSupport
import Logging
import Testing

@Suite("Member.checkInMemory: the verdict check gives, or none when it needs the store")
struct CheckInMemoryTests {
    /// The verdict's JSON, as the API answers it: equal documents mean equal answers.
    static func json(_ verdict: Verdict?) -> String? {
        verdict.map { String(decoding: APIDocument.json(of: $0), as: UTF8.self) }
    }

    @Test("listed, disputed, allowlisted, retracted, expiring and unknown identifiers answer as check does")
    func sameVerdicts() async throws {
        let brandB = try await NodeFixture.make("brand-b")
        let brandA = try await NodeFixture.make("brand-a")
        defer {
            brandB.remove()
            brandA.remove()
        }
        let now = Timestamp.now().millisecondsSince1970
        let own = try Identifier(kind: .seller, value: "shopmart:own")
        let received = try Identifier(kind: .sku, value: "lv-m40990")
        let allowed = try Identifier(kind: .url, value: "https://shop.example/partner")
        let retracted = try Identifier(kind: .seller, value: "shopmart:was listed")
        let expiring = try Identifier(kind: .sku, value: "short-lived")
        let unknown = try Identifier(kind: .seller, value: "shopmart:never listed")
        try await brandB.node.submit([Submission(identifier: received, confidence: 60, reason: "counterfeit")])
        try await brandA.receive(logOf: brandB.node.identity.member, from: brandB.node)
        try await brandA.node.submit([
            Submission(identifier: own, confidence: 85, note: "bags"), Submission(identifier: received),
            Submission(identifier: allowed), Submission(identifier: retracted),
            Submission(identifier: expiring, expires: Timestamp(millisecondsSince1970: now + 3_600_000)),
        ])
        try await brandA.node.dispute(received, origin: brandB.node.identity.member, reason: "authorized-reseller")
        try await brandA.node.retract([retracted])
        try await brandA.node.allow([AllowlistItem(identifier: allowed)])

        let node = brandA.node
        #expect(node.store.isListedTableLoaded)
        let later = Timestamp(millisecondsSince1970: now + 7_200_000)
        for identifier in [own, received, allowed, retracted, expiring, unknown] {
            for time in [Timestamp(millisecondsSince1970: now), later] {
                let expected = try await node.check(identifier, at: time)
                let held = try #require(node.checkInMemory(identifier, at: time), "\(identifier)")
                #expect(Self.json(held) == Self.json(expected), "\(identifier) at \(time)")
            }
        }
        // The cases are what they claim: the answers differ.
        let statuses = try [own, received, allowed, retracted, unknown].map { try #require(node.checkInMemory($0)) }
        #expect(statuses.map(\.status) == [.listed, .listed, .allowlisted, .notListed, .notListed])
        #expect(statuses[1].origins.count == 2)
        #expect(statuses[1].origins.contains { !$0.disputes.isEmpty })
        #expect(statuses[3].filterFalsePositive)
        #expect(try #require(node.checkInMemory(expiring, at: later)).status == .notListed)
    }

    @Test("image hashes, and positives while the listed table is not held, are left to check")
    func needsTheStore() async throws {
        let fixture = try await NodeFixture.make("brand-a")
        defer { fixture.remove() }
        let seller = try Identifier(kind: .seller, value: "shopmart:listed")
        let image = try Identifier(kind: .imagePDQ, value: Hash256(w0: 1, w1: 2, w2: 3, w3: 4).hex)
        try await fixture.node.submit([Submission(identifier: seller), Submission(identifier: image)])
        #expect(fixture.node.checkInMemory(seller)?.status == .listed)
        #expect(fixture.node.checkInMemory(image) == nil)

        try await fixture.node.close()
        let withoutTable = try await Member.open(
            dataDirectory: fixture.folder,
            logger: Logger(label: "test"),
            holdingListedTable: false
        )
        #expect(withoutTable.checkInMemory(seller) == nil)
        // A negative needs no provenance: the filter answers it alone.
        let unknown = try Identifier(kind: .seller, value: "shopmart:never listed")
        #expect(withoutTable.checkInMemory(unknown)?.status == .notListed)
        try await withoutTable.close()
    }
}
