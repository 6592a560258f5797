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

extension DamagedStoreTests {
    /// A value the node never writes, put in one column of every row of a table, and an operation that reads it.
    struct Damage: Sendable {
        var table: String
        var column: String
        /// The SQL value written: NULL (the table is first made again without the column's NOT NULL) or one of a
        /// type the column's affinity keeps as it is (CHECK constraints are ignored).
        var value: String
        /// How the error names what the store holds.
        var found: String
        var read: @Sendable (Member) async throws -> Void
    }

    static let damages: [Damage] = [
        Damage(table: "peer_rejections", column: "first_at", value: "'x'", found: "text") {
            _ = try await $0.status()
        },
        Damage(table: "log_heads", column: "tree_size", value: "'x'", found: "text") {
            _ = try await $0.logHead(of: try MemberID("brand-a"))
        },
        Damage(table: "cosignatures", column: "signature", value: "42", found: "an integer") {
            let checkpoint = try #require(try await $0.latestCheckpoint(of: try MemberID("brand-b")))
            _ = try await $0.cosignatures(of: checkpoint)
        },
        Damage(table: "log_segments", column: "receipts", value: "NULL", found: "NULL") {
            _ = try await $0.audit(try Identifier(kind: .seller, value: "shopmart:evidence fake"))
        },
        // Checks answer from the listed table in memory; the store's own read of an indicator's assertions (what a
        // check asks when the table is not loaded, and what audits read) is where the damage shows.
        Damage(table: "assertions", column: "confidence", value: "'x'", found: "text") {
            let seller = try Identifier(kind: .seller, value: "shopmart:evidence fake")
            _ = try await $0.store.assertions(kind: .seller, digest: $0.digest(of: seller))
        },
        Damage(table: "log_segments", column: "count", value: "NULL", found: "NULL") {
            _ = try await $0.contributionReport()
        },
        Damage(table: "allowlist", column: "added_at", value: "'x'", found: "text") {
            _ = try await $0.allowlist()
        },
        Damage(table: "api_tokens", column: "access", value: "X'FF'", found: "a blob") {
            _ = try await $0.apiTokens()
        },
    ]

    @Test("NULL or a value of another type in a NOT NULL column is a store problem naming table and column, not a trap")
    func wrongValueInColumn() async throws {
        let (node, folders) = try await StoreVerificationTests.makeStore()
        defer { for folder in folders { try? FileManager.default.removeItem(at: folder) } }
        await node.recordRejection(from: try MemberID("brand-b"), origin: "brand-a", reason: "bad proof")
        try await node.allow([AllowlistItem(identifier: try Identifier(kind: .seller, value: "shopmart:allowed"))])
        try await node.createAPIToken(name: "reader", access: .read)
        for damage in Self.damages {
            let place = "\(damage.table).\(damage.column)"
            try await damage.read(node)
            try await Self.damage(node, damage)
            await #expect {
                try await damage.read(node)
            } throws: { error in
                let error = try #require(error as? HallmarkError, "\(place): \(error)")
                return error.code == .storeProblem
                    && error.message == "the store holds \(damage.found) in \(place), which Hallmark never writes "
                        + "there (was the file altered outside Hallmark?)"
            }
            // Nothing was lost: with the values put back, the same read succeeds.
            try await StoreVerificationTests.alter(
                node,
                """
                DELETE FROM \(damage.table); INSERT INTO \(damage.table) SELECT * FROM damaged_copy;
                DROP TABLE damaged_copy;
                """
            )
            try await damage.read(node)
        }
        #expect(try await node.status().peerRejections.count == 1)
    }

    /// Keeps a copy of `damage.table` in `damaged_copy`, then writes `damage.value` in its column of every row.
    static func damage(_ node: Member, _ damage: Damage) async throws {
        let path = node.store.directory.appendingPathComponent("hallmark.sqlite").path
        let database = try DatabaseQueue(path: path)
        defer { try? database.close() }
        try await database.write { db in
            try db.execute(sql: "CREATE TABLE damaged_copy AS SELECT * FROM \(damage.table)")
            if damage.value == "NULL" {
                // SQLite keeps NOT NULL whatever the pragmas say: make the table again without it.
                let sql = try #require(
                    try String.fetchOne(
                        db,
                        sql: "SELECT sql FROM sqlite_master WHERE name = ?",
                        arguments: [damage.table]
                    )
                )
                var relaxed = sql
                for type in ["INTEGER", "TEXT", "BLOB"] {
                    let declared = "\(damage.column) \(type)"
                    relaxed = relaxed.replacingOccurrences(of: declared + " NOT NULL", with: declared)
                }
                try #require(relaxed != sql)
                try db.execute(
                    sql: """
                        ALTER TABLE \(damage.table) RENAME TO damaged_old; \(relaxed);
                        INSERT INTO \(damage.table) SELECT * FROM damaged_old; DROP TABLE damaged_old;
                        """
                )
            }
            try db.execute(sql: "PRAGMA ignore_check_constraints = ON")
            try db.execute(sql: "UPDATE \(damage.table) SET \(damage.column) = \(damage.value)")
            #expect(db.changesCount > 0, "\(damage.table) has no row to damage")
        }
    }
}
