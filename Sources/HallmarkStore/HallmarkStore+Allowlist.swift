import Foundation
import GRDB
import HallmarkCore
import HallmarkRecords

extension HallmarkStore {
    /// Whether `digest` is on this member's allowlist, from memory.
    public func isAllowlisted(_ digest: Hash256) -> Bool {
        allowlistIndex.contains(digest)
    }

    /// ``isAllowlisted(_:)`` for many digests at once.
    public func areAllowlisted(_ digests: [Hash256]) -> [Bool] {
        allowlistIndex.contains(digests)
    }

    /// Adds entries to the allowlist, or replaces the note of those already on it, in one transaction.
    /// - Returns: How many were not on the allowlist before.
    @discardableResult
    public func allow(_ entries: [AllowlistEntry]) async throws -> Int {
        try await changeAllowlist { db in
            var added = 0
            let exists = try db.cachedStatement(sql: "SELECT 1 FROM allowlist WHERE kind = ? AND digest = ?")
            let upsert = try db.cachedStatement(
                sql: """
                    INSERT INTO allowlist (kind, digest, value, note, added_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (kind, digest) DO UPDATE SET value = excluded.value, note = excluded.note
                    """
            )
            for entry in entries {
                let key: StatementArguments = [entry.kind.name, entry.digest.data]
                if try Bool.fetchOne(exists, arguments: key) == nil { added += 1 }
                try upsert.execute(
                    arguments: key + [entry.value, entry.note, entry.added.millisecondsSince1970]
                )
            }
            return added
        }
    }

    /// Removes an identifier from the allowlist.
    /// - Returns: Whether it was on it.
    @discardableResult
    public func disallow(kind: IndicatorKind, digest: Hash256) async throws -> Bool {
        try await changeAllowlist { db in
            try db.execute(
                sql: "DELETE FROM allowlist WHERE kind = ? AND digest = ?",
                arguments: [kind.name, digest.data]
            )
            return db.changesCount > 0
        }
    }

    /// Every allowlisted identifier, by kind and value.
    public func allowlist() async throws -> [AllowlistEntry] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM allowlist ORDER BY kind, value").map { row in
                AllowlistEntry(
                    kind: try IndicatorKind(wireName: row.stored("kind", in: "allowlist")),
                    digest: try Hash256(bytes: row.stored("digest", in: "allowlist") as Data),
                    value: try row.stored("value", in: "allowlist"),
                    note: try row.stored("note", in: "allowlist"),
                    added: Timestamp(millisecondsSince1970: try row.stored("added_at", in: "allowlist"))
                )
            }
        }
    }

    /// Reloads the allowlist into memory when another process (such as `hallmark allowlist add` beside a running
    /// node) changed it since this one last read it.
    /// - Returns: Whether it was reloaded.
    @discardableResult
    public func refreshAllowlist() async throws -> Bool {
        let known = allowlistIndex.version
        return try await database.read { db in
            guard try Self.allowlistVersion(in: db) != known else { return false }
            try loadAllowlist(in: db)
            return true
        }
    }

    func loadAllowlist(in db: Database) throws {
        let (digests, version) = try Self.readAllowlist(in: db)
        allowlistIndex.replace(with: digests, version: version)
    }

    private static func readAllowlist(in db: Database) throws -> (Set<Hash256>, String?) {
        var digests: Set<Hash256> = []
        let cursor = try Row.fetchCursor(db, sql: "SELECT digest FROM allowlist")
        while let row = try cursor.next() {
            digests.insert(try Hash256(bytes: row.stored(at: 0, in: "allowlist") as Data))
        }
        return (digests, try allowlistVersion(in: db))
    }

    /// Runs `change` in a write transaction that also marks the allowlist changed, and once it is committed puts the
    /// allowlist as that transaction left it in memory, so that changes by other processes are never missed.
    private func changeAllowlist<T: Sendable>(_ change: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let (result, digests, version) = try await write { db in
            let result = try change(db)
            try db.execute(
                sql: """
                    INSERT INTO meta (key, value) VALUES ('allowlist_version', ?)
                    ON CONFLICT (key) DO UPDATE SET value = excluded.value
                    """,
                arguments: [UUID().uuidString]
            )
            let (digests, version) = try Self.readAllowlist(in: db)
            return (result, digests, version)
        }
        allowlistIndex.replace(with: digests, version: version)
        return result
    }

    private static func allowlistVersion(in db: Database) throws -> String? {
        try db.storedValue(in: "meta", sql: "SELECT value FROM meta WHERE key = 'allowlist_version'")
    }
}
