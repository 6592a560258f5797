import Foundation
import GRDB
import HallmarkCore
import HallmarkRecords
import Testing

@testable import HallmarkStore

@Suite("Entries kept in segments")
struct LogSegmentTests {
    @Test("a log appended in uneven batches fills segments in order; ranges across them read back exactly")
    func segmentsAcrossBatches() async throws {
        let (store, folder) = try temporaryStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        var log = try LogBuilder("brand-a")
        var appended = 0
        // One large commit (full segments), then small ones, which continue the last segment while it is small.
        for size in [2100, 300, 3, 3, 3, 91] {
            for n in appended..<appended + size {
                // Entries 1000..<1500 with the longest note, so that some segments close on bytes rather than count.
                let note = (1000..<1500).contains(n) ? String(repeating: "n", count: 280) : ""
                _ = try log.add(.assert, digest(UInt64(n)), note: note)
            }
            try await store.append(try log.batch(from: appended, receivedFrom: try MemberID("brand-b")))
            appended += size
        }
        let all = log.items.map(\.bytes)
        #expect(try await store.entryBytes(origin: log.origin, range: 0..<2500) == all)
        #expect(try await store.entryBytes(origin: log.origin, range: 1000..<2100) == Array(all[1000..<2100]))
        #expect(try await store.entryBytes(origin: log.origin, index: 2499) == all[2499])
        #expect(try await store.leafHashes(of: log.origin, count: 2500) == log.items.map(\.leafHash))
        #expect(try await store.statistics().entryCount == 2500)
        await #expect(throws: HallmarkError.self) { try await store.entryBytes(origin: log.origin, range: 2400..<2501) }

        let segments = try await store.database.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT first_index, count, length(entries) FROM log_segments ORDER BY first_index"
            ).map { (first: $0[0] as Int64, count: $0[1] as Int, bytes: $0[2] as Int) }
        }
        // Contiguous, each within both bounds, all but the last full by one bound or the other.
        #expect(segments.first?.first == 0)
        for (segment, next) in zip(segments, segments.dropFirst()) {
            #expect(segment.first + Int64(segment.count) == next.first)
        }
        #expect(segments.allSatisfy { $0.count <= LogSegment.maximumEntries })
        #expect(segments.allSatisfy { $0.bytes <= LogSegment.maximumBytes + 4 * $0.count })
        #expect(segments.first?.count == LogSegment.maximumEntries)
        #expect(segments.dropLast().contains { $0.count < LogSegment.maximumEntries && $0.bytes > 100 * 1024 })
        // The commit of 300 found the last segment large and started its own; the three commits of 3 and the 91 after
        // them each continued the small segment the first of them started.
        #expect(segments.contains { $0.first == 2100 && $0.count == 300 })
        #expect(segments.last.map { [$0.first, Int64($0.count)] } == [2400, 100])
        #expect(segments.count <= 7)

        // Each entry is found by its indicator, with who it came from, in the same commit's receipt.
        let found = try await store.entries(kind: .sku, digest: digest(1234))
        #expect(found.map(\.bytes) == [all[1234]])
        #expect(found.first?.receivedFrom.rawValue == "brand-b")
        #expect(try await store.receipt(of: log.origin, index: 1234)?.from.rawValue == "brand-b")
    }

    @Test("a segment's stored form is read back as written, and damage to it is a store problem naming it")
    func storedForm() throws {
        var segment = LogSegment(firstIndex: 7)
        segment.append([1, 2, 3], from: "brand-a", at: 10)
        segment.append([4], from: "brand-a", at: 10)
        segment.append([], from: "brand-b", at: 11)
        let read = try LogSegment(
            origin: "brand-a",
            firstIndex: 7,
            count: 3,
            entries: segment.encodedEntries,
            receipts: segment.encodedReceipts
        )
        #expect(read.entries == [[1, 2, 3], [4], []])
        #expect(read.receipt(at: 1) == LogSegment.Receipt(start: 0, from: "brand-a", at: 10))
        #expect(read.receipt(at: 2) == LogSegment.Receipt(start: 2, from: "brand-b", at: 11))
        for (count, entries, receipts) in [
            (4, segment.encodedEntries, segment.encodedReceipts),
            (3, segment.encodedEntries.dropLast(), segment.encodedReceipts),
            (3, segment.encodedEntries, segment.encodedReceipts.dropLast()),
            (3, segment.encodedEntries, Data()),
        ] {
            #expect {
                try LogSegment(origin: "brand-a", firstIndex: 7, count: count, entries: entries, receipts: receipts)
            } throws: { error in
                let error = try #require(error as? HallmarkError)
                return error.code == .storeProblem && error.location == "log_segments brand-a#7"
            }
        }
    }
}
