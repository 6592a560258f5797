import Foundation
import GRDB
import HallmarkCore
import HallmarkMember
import HallmarkRecords
import HallmarkStore
import Testing

/// A store file altered by hand holds values that used to trap when read (docs/CONVERSIONS.md); they are store
/// problems naming what is wrong.
@Suite("A store file altered by hand")
struct DamagedStoreTests {
    @Test("a cosignature time beyond any time in milliseconds is a store problem, not an overflow")
    func cosignatureTime() async throws {
        let (node, folders) = try await StoreVerificationTests.makeStore()
        defer { for folder in folders { try? FileManager.default.removeItem(at: folder) } }
        let checkpoint = try #require(try await node.store.latestCheckpoint(of: try MemberID("brand-b")))
        #expect(try await !node.store.cosignatures(of: checkpoint).isEmpty)
        try await StoreVerificationTests.alter(node, "UPDATE cosignatures SET time = ?", [Int64.max])
        await #expect {
            try await node.store.cosignatures(of: checkpoint)
        } throws: { error in
            let error = try #require(error as? HallmarkError)
            return error.code == .storeProblem && error.location == "cosignature time"
                && error.message.contains("\(Int64.max) s, beyond any time")
        }
    }

    @Test("a log head whose size and frontier disagree is a store problem, not an underflow in the next sync")
    func splitLogHead() async throws {
        let (node, folders) = try await StoreVerificationTests.makeStore()
        defer { for folder in folders { try? FileManager.default.removeItem(at: folder) } }
        let origin = try MemberID("brand-a")
        #expect(try await node.store.logHead(of: origin)?.treeSize == 41)
        try await StoreVerificationTests.alter(
            node,
            "UPDATE log_heads SET tree_size = 40 WHERE origin = 'brand-a'"
        )
        await #expect {
            try await node.store.logHead(of: origin)
        } throws: { error in
            let error = try #require(error as? HallmarkError)
            return error.code == .storeProblem
                && error.message.contains("brand-a has tree size 40 but a Merkle frontier of 41 leaves")
        }
    }
}

extension DamagedStoreTests {
    @Test("a stored expiry at the very start of Int64 is simply another expiry when the same assertion is submitted")
    func storedExpiryAtInt64Min() async throws {
        let (node, folders) = try await StoreVerificationTests.makeStore()
        defer { for folder in folders { try? FileManager.default.removeItem(at: folder) } }
        let seller = try Identifier(kind: .seller, value: "shopmart:damaged expiry")
        let expires = Timestamp(millisecondsSince1970: Timestamp.now().millisecondsSince1970 + 86_400_000)
        #expect(try await node.submit([Submission(identifier: seller, expires: expires)]).appended == 1)
        #expect(try await node.submit([Submission(identifier: seller, expires: expires)]).unchanged == 1)
        try await StoreVerificationTests.alter(
            node,
            "UPDATE assertions SET expires = ? WHERE origin = 'market-c'",
            [Int64.min]
        )
        // Comparing the two expiries subtracted them, which overflowed; now they differ, and the assertion is renewed.
        #expect(try await node.submit([Submission(identifier: seller, expires: expires)]).appended == 1)
    }
}
