import Foundation
import HallmarkCore
import HallmarkRecords
import HallmarkStore
import Testing

@testable import HallmarkMember

/// An import makes the next chunk's entries while the chunk before it commits (`Member.prepare(_:after:)`): planned
/// against a snapshot that may not show that chunk yet, and appended as made only if the log still ends where the
/// chunk was made to follow.
@Suite("Chunks made ahead of their commit")
struct PreparedSubmissionTests {
    static func seller(_ name: String) throws -> Identifier { try Identifier(kind: .seller, value: name) }

    /// Three chunks with repeats across them: a chunk repeating what the chunk before it asserts (not yet committed
    /// when it is planned) leaves it out, as a one-chunk-at-a-time submit does; a changed one is appended.
    static func chunks() throws -> [[Submission]] {
        [
            [
                Submission(identifier: try seller("a")), Submission(identifier: try seller("b")),
                Submission(identifier: try seller("c")),
            ],
            [
                Submission(identifier: try seller("b")), Submission(identifier: try seller("c"), confidence: 40),
                Submission(identifier: try seller("d")),
            ],
            [
                Submission(identifier: try seller("d")), Submission(identifier: try seller("a"), reason: "replica"),
                Submission(identifier: try seller("e")), Submission(identifier: try seller("c"), confidence: 40),
            ],
        ]
    }

    @Test("chunks made while the one before commits leave what submitting them one by one leaves, as made")
    func madeAheadMatchesOneByOne() async throws {
        let ahead = try await NodeFixture.make("brand-a")
        defer { ahead.remove() }
        let oneByOne = try await NodeFixture.make("brand-a")
        defer { oneByOne.remove() }
        let chunks = try Self.chunks()
        let node = ahead.node

        // The second chunk is made before the first commits, the third after the first and before the second.
        let first = try await node.prepare(chunks[0], after: nil)
        let second = try await node.prepare(chunks[1], after: first)
        var outcomes = [try await node.commit(first)]
        let third = try await node.prepare(chunks[2], after: second)
        outcomes.append(try await node.commit(second))
        outcomes.append(try await node.commit(third))
        var expected: [SubmissionOutcome] = []
        for chunk in chunks { expected.append(try await oneByOne.node.submit(chunk)) }

        #expect(outcomes == expected)
        #expect(outcomes.map(\.appended) == [3, 2, 2])
        // Appended as made: the log's head is the checkpoint signed ahead.
        let head = try await node.store.logHead(of: node.identity.member)
        #expect(head?.rootHash == third.made?.batch?.checkpoint.rootHash)
        #expect(third.made?.base.treeSize == 5)
        for name in ["a", "b", "c", "d", "e"] {
            let identifier = try Self.seller(name)
            let made = try await node.store.assertions(kind: .seller, digest: node.digest(of: identifier))
            let submitted = try await oneByOne.node.store.assertions(
                kind: .seller,
                digest: oneByOne.node.digest(of: identifier)
            )
            #expect(made.map(\.confidence) == submitted.map(\.confidence), "\(name)")
            #expect(made.map(\.reason) == submitted.map(\.reason), "\(name)")
            #expect(made.map(\.lastIndex) == submitted.map(\.lastIndex), "\(name)")
        }
        #expect(try await node.verifyStore().logs.allSatisfy { $0.problem == nil })
    }

    @Test("a chunk made ahead of another writer's append is planned again inside its transaction")
    func anotherWriterMovesTheHead() async throws {
        let fixture = try await NodeFixture.make("brand-a")
        defer { fixture.remove() }
        let node = fixture.node
        let chunk = [Submission(identifier: try Self.seller("x")), Submission(identifier: try Self.seller("y"))]
        let prepared = try await node.prepare(chunk, after: nil)
        #expect(prepared.made?.batch?.items.count == 2, "made ahead with both, x not yet asserted")

        // Another writer asserts x the same way before the chunk commits: the chunk must leave x out.
        try await node.submit([chunk[0]])
        let outcome = try await node.commit(prepared)
        #expect(outcome == SubmissionOutcome(appended: 1, unchanged: 1, logSize: 2))
        let head = try await node.store.logHead(of: node.identity.member)
        #expect(head?.rootHash != prepared.made?.batch?.checkpoint.rootHash)
        #expect(try await node.verifyStore().logs.allSatisfy { $0.problem == nil && $0.entries == 2 })

        // The next chunk, made to follow the chunk as made, falls back too (its base is not the log's end).
        let next = try await node.prepare([Submission(identifier: try Self.seller("z"))], after: prepared)
        #expect(try await node.commit(next) == SubmissionOutcome(appended: 1, unchanged: 0, logSize: 3))
        let after = try await node.store.logHead(of: node.identity.member)
        #expect(after?.rootHash != next.made?.batch?.checkpoint.rootHash)
        #expect(try await node.verifyStore().logs.allSatisfy { $0.problem == nil && $0.entries == 3 })
    }
}
