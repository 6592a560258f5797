import GRDB

/// The prepared statements an append runs for each entry, looked up once per batch rather than once per entry
/// (a cached statement is found by hashing its whole SQL text).
struct AppendStatements {
    /// Folds an `assert` entry into `assertions`, returning the assertion's first-seen time (kept from an earlier
    /// assertion by the same origin, even one since retracted) for the listed table.
    let assert: Statement
    /// Folds a `retract` entry into `assertions`.
    let retract: Statement
    /// Folds a `dispute` entry into `disputes`.
    let dispute: Statement

    init(_ db: Database) throws {
        assert = try db.cachedStatement(
            sql: """
                INSERT INTO assertions
                    (kind, digest, origin, listed, confidence, reason, note, expires, first_seen, last_seen, retracted_at,
                    last_index, received_from, received_at)
                VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?)
                ON CONFLICT (kind, digest, origin) DO UPDATE SET
                    listed = 1, confidence = excluded.confidence, reason = excluded.reason, note = excluded.note,
                    expires = excluded.expires, last_seen = excluded.last_seen, retracted_at = NULL,
                    last_index = excluded.last_index, received_from = excluded.received_from,
                    received_at = excluded.received_at
                RETURNING first_seen
                """
        )
        retract = try db.cachedStatement(
            sql: """
                UPDATE assertions SET listed = 0, retracted_at = ?, last_index = ?, received_from = ?, received_at = ?
                WHERE kind = ? AND digest = ? AND origin = ?
                """
        )
        dispute = try db.cachedStatement(
            sql: """
                INSERT OR REPLACE INTO disputes (kind, digest, disputed_origin, disputer, reason, note, time, log_index)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """
        )
    }
}
