import Foundation
import GRDB
import HallmarkCore
import HallmarkRecords
import Synchronization
import Testing

@testable import HallmarkStore

@Suite("The write-ahead log stays bounded")
struct WriteAheadLogTests {
    final class ReadingFlag: Sendable {
        let on = Atomic<Bool>(true)
    }

    /// Appends batches while readers never pause, and answers the largest size the WAL file reached.
    static func largestWAL(limit: Int) async throws -> Int64 {
        let (store, folder) = try temporaryStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        store.walLimit.store(limit, ordering: .relaxed)
        let reading = ReadingFlag()
        // Two readers taking turns that overlap, as a status poll and a peer's sync do: at no moment is none reading.
        let readers = (0..<2).map { _ in
            Task.detached {
                while reading.on.load(ordering: .relaxed) {
                    try await store.database.read { db in
                        _ = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM assertions")
                        Thread.sleep(forTimeInterval: 0.003)
                    }
                }
            }
        }
        var log = try LogBuilder("brand-a")
        var largest: Int64 = 0
        let wal = folder.appendingPathComponent(HallmarkStore.databaseFileName + "-wal").path
        for round in 0..<80 {
            let start = log.items.count
            for n in 0..<500 { _ = try log.add(.assert, digest(UInt64(round * 500 + n))) }
            try await store.append(try log.batch(from: start))
            let size = (try FileManager.default.attributesOfItem(atPath: wal)[.size] as? NSNumber)?.int64Value ?? 0
            largest = max(largest, size)
        }
        reading.on.store(false, ordering: .relaxed)
        for reader in readers { try await reader.value }
        return largest
    }

    @Test("with readers that never pause, a WAL past its limit starts over after the next write")
    func boundedUnderReads() async throws {
        let limit = 2 << 20
        let largest = try await Self.largestWAL(limit: limit)
        // The limit plus what one commit of 500 entries adds to it; without the bound it passes 10 MiB.
        #expect(largest < Int64(limit) + (2 << 20), "largest WAL \(largest) bytes")
    }
}
