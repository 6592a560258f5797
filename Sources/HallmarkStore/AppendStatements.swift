import GRDB

/// The prepared statements an append runs for each entry, looked up once per batch rather than once per entry
/// (a cached statement is found by hashing its whole SQL text).
struct AppendStatements {
    /// Inserts the assertion an `assert` entry makes when its origin has none of the indicator yet (what nearly every
    /// entry of an import or a sync is); inserts nothing otherwise, leaving it to ``assert``. Stores `NULL` for a
    /// first-seen time equal to the last-seen one and for a receipt from the origin itself (`v12-slim-assertions`).
    let insertAssertion: EntryStatement
    /// Folds an `assert` entry into an assertion already stored, returning the assertion's first-seen time (kept from
    /// an earlier assertion by the same origin, even one since retracted) for the listed table. (Its `RETURNING` costs
    /// a temporary table per run: the new assertions ``insertAssertion`` stores do without.)
    let assert: Statement
    /// Folds a `retract` entry into `assertions`.
    let retract: EntryStatement
    /// Folds a `dispute` entry into `disputes`.
    let dispute: Statement

    init(_ db: Database) throws {
        insertAssertion = try EntryStatement(
            db,
            sql: """
                INSERT INTO assertions
                    (kind, digest, origin, listed, confidence, reason, note, expires, first_seen, last_seen, retracted_at,
                    last_index, received_from, received_at)
                VALUES (?1, ?2, ?3, 1, ?4, ?5, ?6, ?7, NULL, ?8, NULL, ?9, nullif(?10, ?3), ?11)
                ON CONFLICT (kind, digest, origin) DO NOTHING
                """
        )
        assert = try db.cachedStatement(
            sql: """
                INSERT INTO assertions
                    (kind, digest, origin, listed, confidence, reason, note, expires, first_seen, last_seen, retracted_at,
                    last_index, received_from, received_at)
                VALUES (?1, ?2, ?3, 1, ?4, ?5, ?6, ?7, NULL, ?8, NULL, ?9, nullif(?10, ?3), ?11)
                ON CONFLICT (kind, digest, origin) DO UPDATE SET
                    listed = 1, confidence = excluded.confidence, reason = excluded.reason, note = excluded.note,
                    expires = excluded.expires,
                    first_seen = nullif(coalesce(assertions.first_seen, assertions.last_seen), excluded.last_seen),
                    last_seen = excluded.last_seen, retracted_at = NULL, last_index = excluded.last_index,
                    received_from = excluded.received_from, received_at = excluded.received_at
                RETURNING coalesce(first_seen, last_seen)
                """
        )
        retract = try EntryStatement(
            db,
            sql: """
                UPDATE assertions SET listed = 0, retracted_at = ?1, last_index = ?2, received_from = nullif(?3, ?7),
                    received_at = ?4
                WHERE kind = ?5 AND digest = ?6 AND origin = ?7
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
