import Foundation
import GRDB
import HallmarkCore
import HallmarkRecords
import Logging
import Testing

@testable import HallmarkStore

@Suite("The folded assertions' stored form")
struct AssertionsMigrationTests {
    /// Assertions of every shape the fold stores: first seen by an earlier entry or not, received from the origin or
    /// relayed by another member, retracted, with and without expiry.
    static func fill(_ store: HallmarkStore) async throws -> [(IndicatorKind, Hash256)] {
        var direct = try LogBuilder("brand-a")
        var relayed = try LogBuilder("brand-c")
        for n in 0..<20 { _ = try direct.add(.assert, digest(UInt64(n)), time: 1_000 + Int64(n)) }
        _ = try direct.add(.assert, digest(3), time: 9_000, expires: Timestamp(millisecondsSince1970: 99_000))
        _ = try direct.add(.retract, digest(4), time: 9_500)
        _ = try direct.add(.assert, digest(5), time: 9_700, confidence: 30, reason: "replica", note: "again")
        try await store.append(try direct.batch())
        for n in 10..<15 { _ = try relayed.add(.assert, digest(UInt64(n)), time: 2_000, kind: .sku) }
        _ = try relayed.add(.assert, digest(12), time: 8_000)
        _ = try relayed.add(.retract, digest(13), time: 8_500)
        try await store.append(try relayed.batch(receivedFrom: try MemberID("brand-b")))
        return (0..<20).map { (.sku, digest(UInt64($0))) }
    }

    @Test("what most rows repeat is stored as NULL and read back as the value it stands for")
    func nullsStandForRepeats() async throws {
        let (store, folder) = try temporaryStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        let indicators = try await Self.fill(store)
        let records = try await store.assertions(for: indicators.map { (kind: $0.0, digest: $0.1) })
        let three = try #require(records[3].first { $0.origin.rawValue == "brand-a" })
        #expect(three.firstSeen.millisecondsSince1970 == 1_003)
        #expect(three.lastSeen.millisecondsSince1970 == 9_000)
        #expect(three.receivedFrom.rawValue == "brand-a")
        let twelve = try #require(records[12].first { $0.origin.rawValue == "brand-c" })
        #expect(twelve.firstSeen.millisecondsSince1970 == 2_000)
        #expect(twelve.lastSeen.millisecondsSince1970 == 8_000)
        #expect(twelve.receivedFrom.rawValue == "brand-b")
        let thirteen = try #require(records[13].first { $0.origin.rawValue == "brand-c" })
        #expect(!thirteen.listed && thirteen.receivedFrom.rawValue == "brand-b")
        let stored = try await store.database.read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT count(*), count(first_seen), count(received_from), sum(received_from = 'brand-b')
                    FROM assertions
                    """
            ).map { [$0[0], $0[1], $0[2], $0[3]] as [Int] }
        }
        // 25 rows; first seen before the last entry: brand-a's 3 and 5 (4 is retracted: its first_seen is kept
        // as it was, NULL) and brand-c's 12; relayed: brand-c's five.
        #expect(stored == [25, 3, 5, 5])
    }

    @Test("assertions stored whole before v12 read the same after it moves them")
    func migrates() async throws {
        let (store, folder) = try temporaryStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        let indicators = try await Self.fill(store).map { (kind: $0.0, digest: $0.1) }
        let before = try await store.assertions(for: indicators)
        let contributions = try await store.contributions()
        // The form before v12: every column NOT NULL, the repeated values written out.
        try await store.database.write { db in
            try db.execute(
                sql: """
                    CREATE TABLE whole (
                        kind TEXT NOT NULL, digest BLOB NOT NULL, origin TEXT NOT NULL, listed INTEGER NOT NULL,
                        confidence INTEGER NOT NULL, reason TEXT NOT NULL, note TEXT NOT NULL, expires INTEGER,
                        first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL, retracted_at INTEGER,
                        last_index INTEGER NOT NULL, received_from TEXT NOT NULL DEFAULT '',
                        received_at INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (kind, digest, origin)
                    ) WITHOUT ROWID;
                    INSERT INTO whole SELECT kind, digest, origin, listed, confidence, reason, note, expires,
                        coalesce(first_seen, last_seen), last_seen, retracted_at, last_index,
                        coalesce(received_from, origin), received_at FROM assertions;
                    DROP TABLE assertions;
                    ALTER TABLE whole RENAME TO assertions;
                    DELETE FROM grdb_migrations WHERE identifier = 'v12-slim-assertions';
                    """
            )
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM assertions WHERE first_seen IS NULL") == 0)
        }
        let reopened = try HallmarkStore.open(in: folder, logger: Logger(label: "test"))
        #expect(try await reopened.assertions(for: indicators) == before)
        #expect(try await reopened.contributions() == contributions)
        let nulls = try await reopened.database.read { db in
            try Int.fetchOne(
                db,
                sql: "SELECT count(*) FROM assertions WHERE first_seen IS NULL AND received_from IS NULL"
            )
        }
        #expect(nulls == 18)
    }
}
