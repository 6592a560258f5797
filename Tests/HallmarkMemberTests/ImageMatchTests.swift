import Foundation
import HallmarkCore
import HallmarkMember
import HallmarkRecords
import HallmarkStore
import Testing

/// Checks of `image-pdq` hashes: near matches from the index, confirmed against the store, with their provenance.
@Suite struct ImageMatchTests {
    /// A fixed listed hash, and copies of it with the first `bits` bits flipped.
    static let listed = try! Hash256(hex: "f0e1d2c3b4a5968778695a4b3c2d1e0ff0e1d2c3b4a5968778695a4b3c2d1e0f")

    static func near(_ hash: Hash256, bits: Int) -> Hash256 {
        var words = [hash.w0, hash.w1, hash.w2, hash.w3]
        for bit in 0..<bits { words[bit / 64] ^= 1 << UInt64(63 - bit % 64) }
        return Hash256(w0: words[0], w1: words[1], w2: words[2], w3: words[3])
    }

    static func image(_ hash: Hash256) throws -> Identifier {
        try Identifier(kind: .imagePDQ, value: hash.hex)
    }

    @Test func nearHashesMatchWithinTheDistanceNearestFirst() async throws {
        let fixture = try await NodeFixture.make("brand-a")
        defer { fixture.remove() }
        let node = fixture.node
        let second = Self.near(Self.listed, bits: 12)
        try await node.submit([
            Submission(identifier: try Self.image(Self.listed), quality: 90),
            Submission(identifier: try Self.image(second), reason: "copied-photo"),
        ])
        let query = Self.near(Self.listed, bits: 5)
        let verdict = try await node.check(try Self.image(query))
        #expect(verdict.status == .listed)
        #expect(verdict.origins.isEmpty, "the checked hash itself is not listed")
        #expect(verdict.imageMatches.map(\.hash) == [Self.listed, second])
        #expect(verdict.imageMatches.map(\.distance) == [5, 7])
        #expect(verdict.imageMatches[1].origins.map(\.reason) == ["copied-photo"])
        #expect(verdict.imageMatches.allSatisfy { $0.origins.map(\.origin) == [node.identity.member] })

        // The listed hash itself: distance 0 first, and its origins are the verdict's.
        let exact = try await node.check(try Self.image(Self.listed))
        #expect(exact.imageMatches.map(\.distance) == [0, 12])
        #expect(exact.origins.map(\.origin) == [node.identity.member])

        // A smaller distance leaves the farther one out; 31 bits away is the default's edge (44 bits from the first
        // and 32 from the second is past it).
        let close = try await node.check([try Self.image(query)], imageDistance: 6)[0]
        #expect(close.imageMatches.map(\.hash) == [Self.listed])
        #expect(try await node.check(try Self.image(Self.near(Self.listed, bits: 31))).isListed)
        #expect(try await !node.check(try Self.image(Self.near(Self.listed, bits: 44))).isListed)
    }

    @Test func retractedHashesStopMatchingAndReceivedOnesStart() async throws {
        let origin = try await NodeFixture.make("brand-a")
        let receiver = try await NodeFixture.make("market-c")
        defer {
            origin.remove()
            receiver.remove()
        }
        try await origin.node.submit([Submission(identifier: try Self.image(Self.listed))])
        let query = try Self.image(Self.near(Self.listed, bits: 20))
        #expect(try await !receiver.node.check(query).isListed)
        try await receiver.receive(logOf: origin.node.identity.member, from: origin.node)
        let received = try await receiver.node.check(query)
        #expect(received.isListed)
        #expect(received.imageMatches.first?.origins.first?.receivedFrom == origin.node.identity.member)

        try await origin.node.retract([try Self.image(Self.listed)])
        #expect(try await !origin.node.check(query).isListed)
        #expect(try await origin.node.check(query).imageMatches.isEmpty)
        try await receiver.receive(logOf: origin.node.identity.member, from: origin.node)
        #expect(try await !receiver.node.check(query).isListed)
    }

    @Test func theIndexIsRebuiltWhenTheStoreIsReopened() async throws {
        let fixture = try await NodeFixture.make("brand-a")
        defer { fixture.remove() }
        let hashes = (0..<3).map { Self.near(Self.listed, bits: 40 * $0) }
        try await fixture.node.submit(try hashes.map { Submission(identifier: try Self.image($0)) })
        let reopened = try await fixture.reopened()
        for hash in hashes {
            let verdict = try await reopened.check(try Self.image(Self.near(hash, bits: 3)))
            #expect(verdict.imageMatches.map(\.hash) == [hash])
        }
    }

    @Test func hashesBelowTheQualityFloorAreRefusedAndNothingIsAppended() async throws {
        let fixture = try await NodeFixture.make("brand-a")
        defer { fixture.remove() }
        let node = fixture.node
        let weak = Submission(identifier: try Self.image(Self.listed), quality: 49)
        let error = await #expect(throws: HallmarkError.self) {
            try await node.submit([Submission(identifier: try Self.image(Self.near(Self.listed, bits: 100))), weak])
        }
        #expect(error?.location == "submission 2: quality")
        #expect(error?.message.contains("quality 49, below this node's floor of 50") == true)
        #expect(try await node.store.logHead(of: node.identity.member)?.treeSize ?? 0 == 0)

        node.useImageMatching(ImageMatching(maximumDistance: 31, minimumQuality: 40))
        try await node.submit([weak])
        #expect(try await node.check(try Self.image(Self.listed)).isListed)

        // A quality for another kind, or out of range, is a mistake in the input.
        let seller = try Identifier(kind: .seller, value: "shop:quality")
        await #expect(throws: HallmarkError.self) {
            try await node.submit([Submission(identifier: seller, quality: 80)])
        }
        await #expect(throws: HallmarkError.self) {
            try await node.submit([Submission(identifier: try Self.image(Self.listed), quality: 101)])
        }
    }
}
