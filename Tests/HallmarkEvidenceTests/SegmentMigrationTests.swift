import Foundation
import GRDB
import HallmarkCore
import HallmarkEvidence
import HallmarkMember
import HallmarkRecords
import HallmarkStore
import HallmarkTestSupport
import Logging
import Testing

/// Stores written before entries were kept in segments (a row per entry in `entries`, up to migration v8) are carried
/// over when opened.
@Suite("Migration of a store with a row per entry")
struct SegmentMigrationTests {
    /// One stored entry as a store of the earlier layout holds it.
    struct Row: Sendable {
        var origin: MemberID
        var bytes: [UInt8]
        var receivedFrom: MemberID
        var receivedAt: Timestamp
    }

    @Test("every entry, its receipt, the audits, the evidence and the store's verification come through unchanged")
    func carriesEntriesOver() async throws {
        let alliance = try await EvidenceVerifierTests.Alliance.make()
        defer { alliance.remove() }
        let node = alliance.c
        var rows: [Row] = []
        for origin in try await node.store.storedOrigins() {
            let size = try #require(try await node.store.logHead(of: origin)?.treeSize)
            for (index, bytes) in try await node.store.entryBytes(origin: origin, range: 0..<size).enumerated() {
                let receipt = try #require(try await node.store.receipt(of: origin, index: UInt64(index)))
                rows.append(Row(origin: origin, bytes: bytes, receivedFrom: receipt.from, receivedAt: receipt.at))
            }
        }
        #expect(rows.count == 41 + 1)
        let evidence = try await node.evidence(about: alliance.seller)
        let assertions = try await node.store.assertions(kind: .seller, digest: node.digest(of: alliance.seller))
        let statistics = try await node.store.statistics()

        try await Self.rewriteAsRowPerEntry(node.store.directory.appendingPathComponent("hallmark.sqlite").path, rows)
        let reopened = try await Member.open(dataDirectory: node.store.directory, logger: Logger(label: "test"))

        for row in rows {
            let entry = try Entry(decoding: row.bytes)
            #expect(try await reopened.store.entryBytes(origin: row.origin, index: entry.index) == row.bytes)
            let receipt = try #require(try await reopened.store.receipt(of: row.origin, index: entry.index))
            #expect(receipt.from == row.receivedFrom && receipt.at == row.receivedAt)
        }
        let moved = try await reopened.evidence(about: alliance.seller)
        #expect(moved.entries.map { "\($0.origin)#\($0.index)" } == ["brand-a#20", "brand-b#0"])
        #expect(moved.entries.map(\.hops) == evidence.entries.map(\.hops))
        let movedAssertions = try await reopened.store.assertions(
            kind: .seller,
            digest: reopened.digest(of: alliance.seller)
        )
        #expect(movedAssertions.map(\.receivedFrom) == assertions.map(\.receivedFrom))
        #expect(movedAssertions.map(\.receivedAt) == assertions.map(\.receivedAt))
        #expect(try await reopened.store.statistics().entryCount == statistics.entryCount)
        let verification = try await reopened.verifyStore()
        #expect(verification.isClean, "\(verification.logs)")
        #expect(verification.logs.map(\.entries) == [41, 1])

        // Appends after the move continue the last segment.
        try await DevelopmentAlliance.relay(logOf: alliance.a.identity.member, from: alliance.a, to: reopened)
        let more = try Identifier(kind: .seller, value: "shopmart:after the move")
        try await alliance.a.submit([Submission(identifier: more)])
        try await DevelopmentAlliance.relay(logOf: alliance.a.identity.member, from: alliance.a, to: reopened)
        #expect(try await reopened.store.entries(kind: .seller, digest: reopened.digest(of: more)).count == 1)
        #expect(try await reopened.verifyStore().isClean)
    }

    /// Puts the store back into the layout migration v8 left: `entries` with a row per entry and its decoded columns,
    /// the receipts only there, and v9 not yet applied.
    static func rewriteAsRowPerEntry(_ path: String, _ rows: [Row]) async throws {
        let database = try DatabaseQueue(path: path)
        defer { try? database.close() }
        try await database.write { db in
            try db.execute(
                sql: """
                    CREATE TABLE entries (
                        origin TEXT NOT NULL,
                        log_index INTEGER NOT NULL,
                        bytes BLOB NOT NULL,
                        leaf_hash BLOB NOT NULL,
                        time INTEGER NOT NULL,
                        action TEXT NOT NULL,
                        kind TEXT NOT NULL,
                        digest BLOB NOT NULL,
                        received_from TEXT NOT NULL,
                        received_at INTEGER NOT NULL,
                        PRIMARY KEY (origin, log_index)
                    ) WITHOUT ROWID;
                    CREATE INDEX entries_by_indicator ON entries (kind, digest);
                    """
            )
            for row in rows {
                let entry = try Entry(decoding: row.bytes)
                try db.execute(
                    sql: "INSERT INTO entries VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    arguments: [
                        row.origin.rawValue, Int64(entry.index), Data(row.bytes),
                        Data(MerkleHash.leaf(row.bytes).bytes), entry.time.millisecondsSince1970, entry.action.name,
                        entry.kind.name, Data(entry.digest.bytes), row.receivedFrom.rawValue,
                        row.receivedAt.millisecondsSince1970,
                    ]
                )
            }
            try db.execute(
                sql: """
                    DROP TABLE log_segments;
                    DROP TABLE indicator_entries;
                    DROP TABLE log_origins;
                    ALTER TABLE assertions DROP COLUMN received_from;
                    ALTER TABLE assertions DROP COLUMN received_at;
                    UPDATE assertions SET first_seen = coalesce(first_seen, last_seen);
                    DELETE FROM grdb_migrations
                    WHERE identifier IN ('v9-log-segments', 'v11-packed-entries', 'v12-slim-assertions');
                    """
            )
            try Self.restoreLocalIdentifiers(db, [])
        }
    }

    /// Puts back `local_identifiers` (kind, digest, raw value), which v10 replaced with `own_values`.
    static func restoreLocalIdentifiers(_ db: Database, _ values: [(IndicatorKind, Hash256, String)]) throws {
        try db.execute(
            sql: """
                DROP TABLE own_values;
                CREATE TABLE local_identifiers (
                    kind TEXT NOT NULL,
                    digest BLOB NOT NULL,
                    value TEXT NOT NULL,
                    PRIMARY KEY (kind, digest)
                ) WITHOUT ROWID;
                DELETE FROM grdb_migrations WHERE identifier = 'v10-own-values';
                """
        )
        for (kind, digest, value) in values {
            try db.execute(
                sql: "INSERT INTO local_identifiers VALUES (?, ?, ?)",
                arguments: [kind.name, Data(digest.bytes), value]
            )
        }
    }

    @Test("this member's raw identifiers move beside its log: audits and exports show them as before")
    func carriesLocalIdentifiersOver() async throws {
        let alliance = try await EvidenceVerifierTests.Alliance.make()
        defer { alliance.remove() }
        let node = alliance.a
        // One of them retracted: its value is found through its earlier assert entry.
        let retracted = try Identifier(kind: .seller, value: "shopmart:other 3")
        try await node.retract([retracted])
        // Another renewed by its digest alone (as a STIX import does), with another confidence: its last entry
        // carries no raw value, its first does.
        let renewed = try Identifier(kind: .seller, value: "shopmart:other 4")
        let renewal = Submission(subject: .digest(.seller, node.digest(of: renewed)), confidence: 55)
        #expect(try await node.submit([renewal]).appended == 1)
        for identifier in [alliance.seller, retracted, renewed] {
            let digest = node.digest(of: identifier)
            #expect(try await node.store.localValue(kind: identifier.kind, digest: digest) == identifier.normalized)
        }
        let exported = try await node.exportAssertions(kinds: [.seller], since: nil)
        #expect(exported.count == 41)
        #expect(exported.allSatisfy { $0.localValue != nil })
        #expect(exported.contains { !$0.record.listed })
        let values = exported.map { ($0.kind, $0.digest, $0.localValue ?? "") }

        let database = try DatabaseQueue(path: node.store.directory.appendingPathComponent("hallmark.sqlite").path)
        try await database.write { db in try Self.restoreLocalIdentifiers(db, values) }
        try database.close()
        let reopened = try await Member.open(dataDirectory: node.store.directory, logger: Logger(label: "test"))
        for (kind, digest, value) in values {
            #expect(try await reopened.store.localValue(kind: kind, digest: digest) == value)
        }
        let moved = try await reopened.exportAssertions(kinds: [.seller], since: nil)
        #expect(moved.map(\.localValue) == exported.map(\.localValue))
        #expect(try await reopened.verifyStore().isClean)
    }
}
