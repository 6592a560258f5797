import Foundation
import HallmarkCore
import HallmarkFederation
import HallmarkMember
import HallmarkRecords
import HallmarkStore
import HallmarkTestSupport
import Logging
import Testing

@Suite("Federation over mutual TLS")
struct FederationTests {
    @Test("a line of three converges through the relay, re-syncs store nothing twice, retractions propagate")
    func lineOfThree() async throws {
        try await ServingNode.withNodes(["brand-a", "brand-b", "market-c"]) { nodes in
            let (a, b, c) = (nodes[0], nodes[1], nodes[2])
            // More than two chunks' worth, so chunks verify against a checkpoint further on.
            let sellers = try (0..<2_500).map { try Identifier(kind: .seller, value: "shopmart:fake \($0)") }
            try await a.member.submit(sellers.map { Submission(identifier: $0, confidence: 80) })
            try await b.member.submit([Submission(identifier: try Identifier(kind: .sku, value: "B-1"))])
            // An assertion that lapses in an hour: its expiry travels with it.
            let now = Timestamp.now().millisecondsSince1970
            let lapsing = try Identifier(kind: .url, value: "https://shop.example/lapsing")
            try await a.member.submit([
                Submission(identifier: lapsing, expires: Timestamp(millisecondsSince1970: now + 3_600_000))
            ])

            let bFromA = try await b.sync(from: a)
            #expect(bFromA.fetched[a.member.identity.member] == 2_501)
            #expect(bFromA.rejected.isEmpty)
            let cFromB = try await c.sync(from: b)
            #expect(cFromB.fetched[a.member.identity.member] == 2_501)
            #expect(cFromB.fetched[b.member.identity.member] == 1)
            #expect(cFromB.rejected.isEmpty)

            // C knows A's indicators, with A as origin and B as the hop, and can prove them.
            let verdict = try await c.member.check(sellers[1_234])
            #expect(verdict.isListed)
            #expect(verdict.origins.map(\.origin) == [a.member.identity.member])
            #expect(verdict.origins.first?.receivedFrom == b.member.identity.member)
            #expect(try await c.member.audit(sellers[1_234]).allVerified)
            #expect(try await c.member.check(try Identifier(kind: .sku, value: "b 1")).isListed)
            #expect(try await c.member.check(lapsing).isListed)
            let inTwoHours = Timestamp(millisecondsSince1970: now + 7_200_000)
            #expect(try await !c.member.check(lapsing, at: inTwoHours).isListed)

            // Again: nothing new, nothing stored twice.
            let again = try await c.sync(from: b)
            #expect(again.totalFetched == 0)
            #expect(again.rejected.isEmpty)
            #expect(try await c.member.status().store.entryCount == 2_502)

            // A retraction travels the same way.
            try await a.member.retract([sellers[1_234]])
            #expect(try await b.sync(from: a).fetched[a.member.identity.member] == 1)
            #expect(try await c.sync(from: b).fetched[a.member.identity.member] == 1)
            #expect(try await !c.member.check(sellers[1_234]).isListed)
            #expect(try await c.member.check(sellers[1_235]).isListed)
        }
    }

    @Test("a peer that is not the member expected at its address is refused before any data moves")
    func wrongMemberAtAddress() async throws {
        try await ServingNode.withNodes(["brand-a", "market-c"]) { nodes in
            let (a, c) = (nodes[0], nodes[1])
            try await a.member.submit([Submission(identifier: try Identifier(kind: .sku, value: "A-1"))])
            var impostor = a.address
            impostor.member = try MemberID("brand-b")
            await #expect(throws: (any Error).self) {
                try await SyncEngine(member: c.member, logger: Logger(label: "test")).syncOnce(with: impostor)
            }
            #expect(try await c.member.status().store.entryCount == 0)
        }
    }
}
