import Foundation
import GRDB
import HallmarkCore

extension HallmarkStore {
    /// Versioned migrations. Append new ones; never edit one that has shipped.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE IF NOT EXISTS meta (
                        key TEXT PRIMARY KEY NOT NULL,
                        value TEXT NOT NULL
                    );
                    -- Members whose logs this node holds, with the certificate that verifies their checkpoints.
                    CREATE TABLE members (
                        id TEXT PRIMARY KEY NOT NULL,
                        certificate_pem TEXT NOT NULL,
                        fingerprint TEXT NOT NULL,
                        added_at INTEGER NOT NULL
                    );
                    -- Every entry of every origin's log: the exact bytes the origin produced, plus decoded columns.
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
                    -- Signed checkpoints as received (exact bytes), one per committed batch.
                    CREATE TABLE checkpoints (
                        origin TEXT NOT NULL,
                        tree_size INTEGER NOT NULL,
                        root_hash BLOB NOT NULL,
                        time INTEGER NOT NULL,
                        bytes BLOB NOT NULL,
                        PRIMARY KEY (origin, tree_size)
                    ) WITHOUT ROWID;
                    -- Per origin: how much of its log is held, and the compact Merkle state to extend it.
                    CREATE TABLE log_heads (
                        origin TEXT PRIMARY KEY NOT NULL,
                        tree_size INTEGER NOT NULL,
                        root_hash BLOB NOT NULL,
                        frontier BLOB NOT NULL
                    );
                    -- The fold of assert/retract entries: each origin's current assertion about an indicator.
                    CREATE TABLE assertions (
                        kind TEXT NOT NULL,
                        digest BLOB NOT NULL,
                        origin TEXT NOT NULL,
                        listed INTEGER NOT NULL,
                        confidence INTEGER NOT NULL,
                        reason TEXT NOT NULL,
                        note TEXT NOT NULL,
                        expires INTEGER,
                        first_seen INTEGER NOT NULL,
                        last_seen INTEGER NOT NULL,
                        retracted_at INTEGER,
                        last_index INTEGER NOT NULL,
                        PRIMARY KEY (kind, digest, origin)
                    ) WITHOUT ROWID;
                    -- The fold of dispute entries: a member's latest dispute of another's assertion.
                    CREATE TABLE disputes (
                        kind TEXT NOT NULL,
                        digest BLOB NOT NULL,
                        disputed_origin TEXT NOT NULL,
                        disputer TEXT NOT NULL,
                        reason TEXT NOT NULL,
                        note TEXT NOT NULL,
                        time INTEGER NOT NULL,
                        log_index INTEGER NOT NULL,
                        PRIMARY KEY (kind, digest, disputed_origin, disputer)
                    ) WITHOUT ROWID;
                    -- The raw identifiers this member submitted, for its own reference. Never shared.
                    CREATE TABLE local_identifiers (
                        kind TEXT NOT NULL,
                        digest BLOB NOT NULL,
                        value TEXT NOT NULL,
                        PRIMARY KEY (kind, digest)
                    ) WITHOUT ROWID;
                    """
            )
        }
        migrator.registerMigration("v2") { db in
            try db.execute(
                sql: """
                    -- Batches rejected per peer and origin (a summary, bounded: see recordPeerRejection).
                    CREATE TABLE peer_rejections (
                        peer TEXT NOT NULL,
                        origin TEXT NOT NULL,
                        reason TEXT NOT NULL,
                        first_at INTEGER NOT NULL,
                        last_at INTEGER NOT NULL,
                        count INTEGER NOT NULL,
                        PRIMARY KEY (peer, origin)
                    ) WITHOUT ROWID;
                    -- Proof that an origin signed two inconsistent checkpoints (or that this node's own key was
                    -- misused): both checkpoints' exact bytes, with the certificate that verified the offered one.
                    CREATE TABLE equivocations (
                        id INTEGER PRIMARY KEY,
                        origin TEXT NOT NULL,
                        held_checkpoint BLOB,
                        offered_checkpoint BLOB NOT NULL,
                        offered_certificate_pem TEXT NOT NULL,
                        peer TEXT NOT NULL,
                        detected_at INTEGER NOT NULL,
                        UNIQUE (origin, offered_checkpoint)
                    );
                    -- Origins whose logs take no new entries until an operator clears them.
                    CREATE TABLE quarantined_origins (
                        origin TEXT PRIMARY KEY NOT NULL,
                        since INTEGER NOT NULL,
                        reason TEXT NOT NULL
                    );
                    """
            )
        }
        migrator.registerMigration("v3-allowlist") { db in
            try db.execute(
                sql: """
                    -- This member's own allowlist: its authorized sellers and resellers. Local only: no entry of any
                    -- log refers to it, so federation never serves it and no peer ever learns of it.
                    CREATE TABLE allowlist (
                        kind TEXT NOT NULL,
                        digest BLOB NOT NULL,
                        value TEXT NOT NULL,
                        note TEXT NOT NULL,
                        added_at INTEGER NOT NULL,
                        PRIMARY KEY (kind, digest)
                    ) WITHOUT ROWID;
                    """
            )
        }
        migrator.registerMigration("v4-api-tokens") { db in
            try db.execute(
                sql: """
                    -- Bearer tokens for the HTTP API: only the SHA-256 hash of each secret is kept.
                    CREATE TABLE api_tokens (
                        name TEXT PRIMARY KEY NOT NULL,
                        hash BLOB NOT NULL UNIQUE,
                        access TEXT NOT NULL CHECK (access IN ('read', 'write')),
                        created_at INTEGER NOT NULL,
                        revoked_at INTEGER
                    );
                    """
            )
        }
        migrator.registerMigration("v5-cosignatures") { db in
            try db.execute(
                sql: """
                    -- Cosignatures (log-format.md §5) of checkpoints held here or kept as equivocation evidence: this
                    -- node's own and those peers gossiped, each verified against its cosigner's certificate first.
                    -- A checkpoint is named by the SHA-256 of its signed body; one cosignature per cosigner.
                    CREATE TABLE cosignatures (
                        origin TEXT NOT NULL,
                        checkpoint_body_hash BLOB NOT NULL,
                        tree_size INTEGER NOT NULL,
                        cosigner TEXT NOT NULL,
                        time INTEGER NOT NULL,
                        signature BLOB NOT NULL,
                        certificate_pem TEXT NOT NULL,
                        received_from TEXT NOT NULL,
                        received_at INTEGER NOT NULL,
                        PRIMARY KEY (origin, checkpoint_body_hash, cosigner)
                    ) WITHOUT ROWID;
                    """
            )
        }
        migrator.registerMigration("v6-quarantine-clearances") { db in
            try db.execute(
                sql: """
                    -- Every quarantine an operator lifted: what it was, when it was cleared and why. The equivocation
                    -- evidence stays in its own table; this keeps the decision on the record for audits.
                    CREATE TABLE quarantine_clearances (
                        id INTEGER PRIMARY KEY,
                        origin TEXT NOT NULL,
                        quarantined_since INTEGER NOT NULL,
                        reason TEXT NOT NULL,
                        cleared_at INTEGER NOT NULL,
                        note TEXT NOT NULL
                    );
                    CREATE INDEX quarantine_clearances_by_origin ON quarantine_clearances (origin, id);
                    """
            )
        }
        migrator.registerMigration("v7-pending-checkpoints") { db in
            try db.execute(
                sql: """
                    -- Per origin whose log is held only in part (a sync under way or interrupted): the signed
                    -- checkpoint its held entries were verified against, and the hashes of the subtrees tiling
                    -- the rest of the log up to it, so that every held entry stays provable. Written in the
                    -- transaction that commits the entries; removed when a checkpoint is held at the log's size.
                    CREATE TABLE pending_checkpoints (
                        origin TEXT PRIMARY KEY NOT NULL,
                        tree_size INTEGER NOT NULL,
                        held_size INTEGER NOT NULL,
                        right_subtrees BLOB NOT NULL,
                        bytes BLOB NOT NULL,
                        received_at INTEGER NOT NULL
                    );
                    """
            )
        }
        migrator.registerMigration("v8-receipt-clock") { db in
            try db.execute(
                sql: """
                    -- The last received_at given to entries: each commit's is later than every earlier commit's
                    -- (see receiptTime), so that what a reader saw committed is never followed by an earlier time.
                    CREATE TABLE receipt_clock (
                        id INTEGER PRIMARY KEY CHECK (id = 0),
                        last_received_at INTEGER NOT NULL
                    );
                    INSERT INTO receipt_clock SELECT 0, COALESCE(MAX(received_at), 0) FROM entries;
                    """
            )
        }
        migrator.registerMigration("v9-log-segments") { db in
            try db.execute(
                sql: """
                    -- A number per origin, so that the rows of the indicator index stay small.
                    CREATE TABLE log_origins (
                        id INTEGER PRIMARY KEY,
                        origin TEXT NOT NULL UNIQUE
                    );
                    -- Every origin's log in segments of consecutive entries (LogSegment): the exact bytes the origin
                    -- produced, and who this node received them from and when. Replaces `entries` (a row per entry).
                    CREATE TABLE log_segments (
                        origin TEXT NOT NULL,
                        first_index INTEGER NOT NULL,
                        count INTEGER NOT NULL,
                        entries BLOB NOT NULL,
                        receipts BLOB NOT NULL,
                        UNIQUE (origin, first_index)
                    );
                    -- Which entries are about an indicator, keyed by the first 8 bytes of its digest (as a signed
                    -- integer); the entries themselves tell indicators sharing a key apart.
                    CREATE TABLE indicator_entries (
                        key INTEGER NOT NULL,
                        origin_id INTEGER NOT NULL,
                        log_index INTEGER NOT NULL,
                        PRIMARY KEY (key, origin_id, log_index)
                    ) WITHOUT ROWID;
                    -- Who this node received an assertion's last entry from, and when: kept with the fold that checks
                    -- read, which found them in `entries` before.
                    ALTER TABLE assertions ADD COLUMN received_from TEXT NOT NULL DEFAULT '';
                    ALTER TABLE assertions ADD COLUMN received_at INTEGER NOT NULL DEFAULT 0;
                    UPDATE assertions SET (received_from, received_at) = (
                        SELECT e.received_from, e.received_at FROM entries e
                        WHERE e.origin = assertions.origin AND e.log_index = assertions.last_index
                    )
                    WHERE EXISTS (
                        SELECT 1 FROM entries e WHERE e.origin = assertions.origin AND e.log_index = assertions.last_index
                    );
                    """
            )
            try carryEntriesIntoSegments(db)
            try db.execute(sql: "DROP TABLE entries")
        }
        migrator.registerMigration("v10-own-values") { db in
            try db.execute(
                sql: """
                    -- The raw identifier of each of this member's own assert entries that carried one, by the entry's
                    -- index in this member's log: appended in log order. Never shared. Replaces `local_identifiers`
                    -- (keyed by kind and digest, an insert at a random key per entry).
                    CREATE TABLE own_values (
                        log_index INTEGER PRIMARY KEY,
                        value TEXT NOT NULL
                    );
                    """
            )
            try carryLocalIdentifiersIntoOwnValues(db)
            try db.execute(sql: "DROP TABLE local_identifiers")
        }
        migrator.registerMigration("v11-packed-entries") { db in
            try packSegmentEntries(db)
        }
        migrator.registerMigration("v12-slim-assertions") { db in
            try db.execute(
                sql: """
                    -- As before, but what most rows repeat from another column is NULL: `first_seen` when the
                    -- indicator was first seen by its last entry (NULL stands for `last_seen`), `received_from` when
                    -- the entry came from its origin itself (NULL stands for `origin`).
                    CREATE TABLE slim_assertions (
                        kind TEXT NOT NULL,
                        digest BLOB NOT NULL,
                        origin TEXT NOT NULL,
                        listed INTEGER NOT NULL,
                        confidence INTEGER NOT NULL,
                        reason TEXT NOT NULL,
                        note TEXT NOT NULL,
                        expires INTEGER,
                        first_seen INTEGER,
                        last_seen INTEGER NOT NULL,
                        retracted_at INTEGER,
                        last_index INTEGER NOT NULL,
                        received_from TEXT,
                        received_at INTEGER NOT NULL,
                        PRIMARY KEY (kind, digest, origin)
                    ) WITHOUT ROWID;
                    INSERT INTO slim_assertions
                    SELECT kind, digest, origin, listed, confidence, reason, note, expires,
                        nullif(first_seen, last_seen), last_seen, retracted_at, last_index,
                        nullif(received_from, origin), received_at
                    FROM assertions ORDER BY kind, digest, origin;
                    DROP TABLE assertions;
                    ALTER TABLE slim_assertions RENAME TO assertions;
                    """
            )
        }
        return migrator
    }

    /// Rewrites the entries of every segment that `v9-log-segments` stored as each entry's length (4 bytes,
    /// big-endian) and bytes into ``PackedEntries``, one segment at a time. A segment already packed (its first byte
    /// is the packed format's; a 4-byte length's first byte is 0) or no longer readable stays as it is, the latter for
    /// verify-store to report.
    private static func packSegmentEntries(_ db: Database) throws {
        let segments = try Int64.fetchAll(db, sql: "SELECT rowid FROM log_segments")
        let read = try db.cachedStatement(sql: "SELECT entries FROM log_segments WHERE rowid = ?")
        let write = try db.cachedStatement(sql: "UPDATE log_segments SET entries = ? WHERE rowid = ?")
        for segment in segments {
            guard let stored = try Data.fetchOne(read, arguments: [segment]), stored.first == 0 else { continue }
            var reader = StoredBytesReader(stored)
            var entries: [[UInt8]] = []
            while !reader.isAtEnd {
                guard let length = reader.uint32(), let bytes = reader.bytes(Int(truncatingIfNeeded: length)) else {
                    break
                }
                entries.append(bytes)
            }
            guard reader.isAtEnd else { continue }
            try write.execute(arguments: [PackedEntries.pack(entries), segment])
        }
    }

    /// Gives every assert entry of this member's own log the raw value `local_identifiers` keeps for its indicator.
    private static func carryLocalIdentifiersIntoOwnValues(_ db: Database) throws {
        // A store being created has no member yet, and nothing to carry.
        guard
            let member: String = try db.storedValue(
                in: "meta",
                sql: "SELECT value FROM meta WHERE key = 'self_member'"
            ),
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM local_identifiers") ?? 0 > 0
        else { return }
        let values = try db.cachedStatement(sql: "SELECT value FROM local_identifiers WHERE kind = ? AND digest = ?")
        let insert = try db.cachedStatement(sql: "INSERT INTO own_values (log_index, value) VALUES (?, ?)")
        try forEachEntry(of: try MemberID(member), in: 0..<UInt64.max, in: db) { stored in
            // An entry that no longer decodes stays for verify-store to report; it has no value to carry.
            guard let entry = try? Entry(decoding: stored.bytes), entry.action == .assert,
                let value: String = try String.fetchOne(values, arguments: [entry.kind.name, entry.digest.data])
            else { return true }
            try insert.execute(arguments: [try Int64(sqlite: stored.index, "index"), value])
            return true
        }
    }

    /// Moves every row of `entries` into segments, as they are: a damaged row (an entry that does not decode, a gap)
    /// moves too, for `hallmark audit verify-store` to report.
    private static func carryEntriesIntoSegments(_ db: Database) throws {
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT origin, log_index, bytes, digest, received_from, received_at FROM entries
                ORDER BY origin, log_index
                """
        )
        var writer: SegmentWriter?
        var keys: [SegmentWriter.IndexKey] = []
        var origin = ""
        while let row = try rows.next() {
            let rowOrigin: String = try row.stored(at: 0, in: "entries")
            let index = try UInt64(stored: row.stored(at: 1, in: "entries"), "log_index")
            if writer == nil || rowOrigin != origin {
                try writer?.finish()
                try writer?.index(keys)
                keys = []
                writer = try SegmentWriter(origin: rowOrigin, from: index, in: db)
                origin = rowOrigin
            }
            let digest: Data = try row.stored(at: 3, in: "entries")
            try writer?.add(
                index: index,
                bytes: [UInt8](try row.stored(at: 2, in: "entries") as Data),
                from: try row.stored(at: 4, in: "entries"),
                at: try row.stored(at: 5, in: "entries")
            )
            keys.append(
                .init(
                    key: digest.count >= 32 ? indicatorKey(try Hash256(bytes: digest.prefix(32))) : 0,
                    index: try Int64(sqlite: index, "index")
                )
            )
        }
        try writer?.finish()
        try writer?.index(keys)
    }
}
