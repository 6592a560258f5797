import Foundation
import HallmarkCore
import HallmarkRecords
import HallmarkStore
import Testing

/// Values from outside that used to trap (docs/CONVERSIONS.md) are refused with an error naming what is wrong.
@Suite("HallmarkStore hostile input")
struct StoreHostileInputTests {
    @Test("a range far beyond what the store holds (a damaged checkpoint's size) is an error, not a huge allocation")
    func hugeRange() async throws {
        let (store, folder) = try temporaryStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        var log = try LogBuilder("brand-a")
        _ = try log.add(.assert, digest(1))
        _ = try log.add(.assert, digest(2))
        try await store.append(try log.batch(receivedFrom: try MemberID("brand-b")))
        let origin = try MemberID("brand-a")
        // Room for 2^40 leaf hashes (32 TiB) was reserved before the first row was read: the allocation failed.
        let huge: UInt64 = 1 << 40
        await #expect {
            try await store.leafHashes(of: origin, range: 0..<huge)
        } throws: { error in
            let error = try #require(error as? HallmarkError)
            return error.code == .storeProblem && error.message.contains("holds 2 of entries 0..<\(huge)")
        }
        await #expect {
            try await store.entryBytes(origin: origin, range: 1..<huge)
        } throws: { error in
            let error = try #require(error as? HallmarkError)
            return error.code == .notFound && error.message.contains("holds 1 of entries 1..<\(huge)")
        }
        #expect(try await store.leafHashes(of: origin, range: 0..<2).count == 2)
    }
}
