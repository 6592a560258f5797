import Foundation
import GRDB
import HallmarkCore
import HallmarkRecords
import Logging
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
        // The bound on bytes is on the entries' own bytes, not their packed form.
        #expect(
            segments.dropLast().contains { segment in
                let bytes = all[Int(segment.first)..<Int(segment.first) + segment.count].reduce(0) { $0 + $1.count }
                return segment.count < LogSegment.maximumEntries && bytes > 100 * 1024
            }
        )
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

    @Test("entries are packed against the one before and unpacked to exactly their bytes, whatever they hold")
    func packedEntries() throws {
        var log = try LogBuilder("brand-a")
        // An import's run: the same kind, reason and time, then every kind of change between neighbours.
        for n in 0..<200 { _ = try log.add(.assert, digest(UInt64(n)), kind: .seller) }
        _ = try log.add(.assert, digest(900), time: 5_000, expires: Timestamp(millisecondsSince1970: 9_000))
        _ = try log.add(.assert, digest(901), time: 4_000, confidence: 40, reason: "replica", note: "seen twice")
        _ = try log.add(.retract, digest(901), time: 4_000)
        _ = try log.add(.dispute, digest(902), disputing: try MemberID("brand-b"), time: 70_000, note: "no")
        _ = try log.add(.assert, digest(903), time: 0, kind: .url, note: String(repeating: "é", count: 140))
        let entries = log.items.map(\.bytes)
        let packed = PackedEntries.pack(entries)
        #expect(PackedEntries.unpack(packed) == entries)
        // After the first entry (whole), each of the run takes its digest and a bitmap: 34 bytes of 88.
        let run = PackedEntries.pack(Array(entries[0..<200]))
        #expect(run.count == 1 + (2 + entries[0].count) + 199 * 34)

        // Bytes that do not follow the entry layout (damaged, altered, cut short, a presence byte of 2, trailing
        // bytes) are kept whole, and the entries after them still pack.
        var twoPresent = entries[201]
        twoPresent[twoPresent.count - 1] = 2
        let odd: [[UInt8]] = [
            [], [1], Array(entries[3].dropLast()), entries[3] + [0], twoPresent, [UInt8](repeating: 0xff, count: 1024),
        ]
        for bytes in odd {
            let mixed = [entries[0], bytes, entries[1], entries[2]]
            #expect(PackedEntries.unpack(PackedEntries.pack(mixed)) == mixed)
        }

        // A packed form cut anywhere, or with any byte changed, unpacks to something or to nil: it never traps.
        var generator = SystemRandomNumberGenerator()
        for cut in stride(from: 0, to: packed.count, by: 7) { _ = PackedEntries.unpack(packed.prefix(cut)) }
        for _ in 0..<2_000 {
            var changed = packed
            let at = Int.random(in: 0..<changed.count, using: &generator)
            changed[at] = UInt8.random(in: 0...255, using: &generator)
            _ = PackedEntries.unpack(changed)
        }
        #expect(PackedEntries.unpack(Data([2])) == nil)
        #expect(PackedEntries.unpack(Data()) == nil)
    }

    @Test("segments stored before packing (each entry's length, then its bytes) are packed when the store is opened")
    func migratesToPacked() async throws {
        let (store, folder) = try temporaryStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        var log = try LogBuilder("brand-a")
        for n in 0..<1500 { _ = try log.add(.assert, digest(UInt64(n)), note: n == 7 ? "a note" : "") }
        try await store.append(try log.batch(receivedFrom: try MemberID("brand-b")))
        let all = log.items.map(\.bytes)
        // One segment rewritten in the earlier form, one left damaged in it (cut inside an entry).
        try await store.database.write { db in
            let rows = try Row.fetchAll(
                db,
                sql: "SELECT rowid, first_index, count FROM log_segments ORDER BY first_index"
            )
            #expect(rows.count == 2)
            for (number, row) in rows.enumerated() {
                let first = Int(row[1] as Int64)
                var stored = Data()
                for bytes in all[first..<first + (row[2] as Int)] {
                    stored.append(contentsOf: withUnsafeBytes(of: UInt32(bytes.count).bigEndian, Array.init))
                    stored.append(contentsOf: bytes)
                }
                if number == 1 { stored.removeLast() }
                try db.execute(
                    sql: "UPDATE log_segments SET entries = ? WHERE rowid = ?",
                    arguments: [stored, row[0] as Int64]
                )
            }
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v11-packed-entries'")
        }
        let reopened = try HallmarkStore.open(in: folder, logger: Logger(label: "test"))
        #expect(try await reopened.entryBytes(origin: log.origin, range: 0..<1024) == Array(all[0..<1024]))
        #expect(try await reopened.receipt(of: log.origin, index: 7)?.from.rawValue == "brand-b")
        let formats = try await reopened.database.read { db in
            try Data.fetchAll(db, sql: "SELECT substr(entries, 1, 1) FROM log_segments ORDER BY first_index")
        }
        #expect(formats == [Data([PackedEntries.format]), Data([0])])
        // The damaged one stays as it was, for verify-store to report.
        await #expect {
            try await reopened.entryBytes(origin: log.origin, index: 1024)
        } throws: { error in
            (error as? HallmarkError)?.location == "log_segments brand-a#1024"
        }
    }
}
