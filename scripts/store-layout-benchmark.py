#!/usr/bin/env python3
"""How fast SQLite takes a million log entries under different store layouts (BENCHMARKS.md, "Store layouts").

    python3 scripts/store-layout-benchmark.py [--entries N] [--chunk C] [--layouts a,b,...]

Each layout gets a fresh WAL-mode database (synchronous=FULL, as the store runs) in a temporary folder, and takes N
entries of 110 random bytes with random 32-byte digests, C entries per transaction, as an import or a cold sync
commits them. The entries are made before the clock starts: only the database's work is timed. It prints seconds,
entries per second and bytes on disk per entry (after a WAL checkpoint). Python's sqlite3 module uses the system's
libsqlite3, the same library the node links through GRDB; its per-row overhead (about 1 µs) is included.

Layouts:
  rows         today's schema (migrations v1-v8): an `entries` row per entry with its decoded columns and leaf hash,
               the `entries_by_indicator` index, an `assertions` row and a `local_identifiers` row per entry
  rows-noindex the same without `entries_by_indicator`
  compact      a row per entry holding only what is not derived (integer origin, index, bytes, receipt time); the
               assertion keyed by the digest's first 8 bytes as an integer, pointing at its entry
  segments     a row per 1024 consecutive entries of one log (their bytes concatenated), nothing keyed by digest
  segments+key segments, plus a table keyed by the digest's first 8 bytes (integer) giving the entry's position
  segments+run segments, plus each transaction's (digest, position) pairs sorted and written to a run file beside
               the database (fsynced), to be merged in the background like an LSM tree's runs
"""

import argparse
import os
import random
import sqlite3
import struct
import tempfile
import time

SCHEMA_ROWS = """
CREATE TABLE entries (origin TEXT NOT NULL, log_index INTEGER NOT NULL, bytes BLOB NOT NULL, leaf_hash BLOB NOT NULL,
  time INTEGER NOT NULL, action TEXT NOT NULL, kind TEXT NOT NULL, digest BLOB NOT NULL, received_from TEXT NOT NULL,
  received_at INTEGER NOT NULL, PRIMARY KEY (origin, log_index)) WITHOUT ROWID;
CREATE TABLE assertions (kind TEXT NOT NULL, digest BLOB NOT NULL, origin TEXT NOT NULL, listed INTEGER NOT NULL,
  confidence INTEGER NOT NULL, reason TEXT NOT NULL, note TEXT NOT NULL, expires INTEGER, first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL, retracted_at INTEGER, last_index INTEGER NOT NULL,
  PRIMARY KEY (kind, digest, origin)) WITHOUT ROWID;
CREATE TABLE local_identifiers (kind TEXT NOT NULL, digest BLOB NOT NULL, value TEXT NOT NULL,
  PRIMARY KEY (kind, digest)) WITHOUT ROWID;
"""

SCHEMA_COMPACT = """
CREATE TABLE entries (origin INTEGER NOT NULL, log_index INTEGER NOT NULL, bytes BLOB NOT NULL,
  received_at INTEGER NOT NULL, PRIMARY KEY (origin, log_index)) WITHOUT ROWID;
CREATE TABLE assertions (key INTEGER NOT NULL, origin INTEGER NOT NULL, digest BLOB NOT NULL, listed INTEGER NOT NULL,
  first_seen INTEGER NOT NULL, last_index INTEGER NOT NULL, PRIMARY KEY (key, origin, digest)) WITHOUT ROWID;
"""

SCHEMA_SEGMENTS = """
CREATE TABLE segments (origin INTEGER NOT NULL, first_index INTEGER NOT NULL, bytes BLOB NOT NULL,
  received_at INTEGER NOT NULL, PRIMARY KEY (origin, first_index)) WITHOUT ROWID;
"""

SEGMENT = 1024
NOW = 1_765_000_000_000


def run(layout, entries, chunk, folder):
    path = os.path.join(folder, f"{layout}.sqlite")
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("PRAGMA cache_size=-262144")
    if layout.startswith("rows"):
        db.executescript(SCHEMA_ROWS)
        if layout == "rows":
            db.execute("CREATE INDEX entries_by_indicator ON entries (kind, digest)")
    elif layout == "compact":
        db.executescript(SCHEMA_COMPACT)
    else:
        db.executescript(SCHEMA_SEGMENTS)
        if layout == "segments+key":
            db.execute("CREATE TABLE indicator_keys (key INTEGER NOT NULL, position INTEGER NOT NULL)")
            db.execute("CREATE INDEX indicator_keys_by_key ON indicator_keys (key)")
    run_files = 0
    started = time.perf_counter()
    for start in range(0, len(entries), chunk):
        rows = entries[start : start + chunk]
        db.execute("BEGIN")
        if layout.startswith("rows"):
            db.executemany(
                "INSERT INTO entries VALUES ('brand-a', ?, ?, ?, ?, 'assert', 'seller', ?, 'brand-a', ?)",
                [(i, body, leaf, NOW, digest, NOW) for i, body, digest, leaf, _ in rows],
            )
            db.executemany(
                "INSERT INTO assertions VALUES ('seller', ?, 'brand-a', 1, 80, 'counterfeit', '', NULL, ?, ?, NULL, ?) "
                "ON CONFLICT (kind, digest, origin) DO UPDATE SET listed = 1, last_index = excluded.last_index",
                [(digest, NOW, NOW, i) for i, _, digest, _, _ in rows],
            )
            db.executemany(
                "INSERT OR REPLACE INTO local_identifiers VALUES ('seller', ?, ?)",
                [(digest, f"shop-{i:08d}") for i, _, digest, _, _ in rows],
            )
        elif layout == "compact":
            db.executemany("INSERT INTO entries VALUES (1, ?, ?, ?)", [(i, body, NOW) for i, body, _, _, _ in rows])
            db.executemany(
                "INSERT INTO assertions VALUES (?, 1, ?, 1, ?, ?) ON CONFLICT DO UPDATE SET last_index = excluded.last_index",
                [(key, digest, NOW, i) for i, _, digest, _, key in rows],
            )
        else:
            db.executemany(
                "INSERT INTO segments VALUES (1, ?, ?, ?)",
                [
                    (rows[s][0], b"".join(row[1] for row in rows[s : s + SEGMENT]), NOW)
                    for s in range(0, len(rows), SEGMENT)
                ],
            )
            if layout == "segments+key":
                db.executemany("INSERT INTO indicator_keys VALUES (?, ?)", [(key, i) for i, _, _, _, key in rows])
            elif layout == "segments+run":
                pairs = sorted((digest, i) for i, _, digest, _, _ in rows)
                run_path = os.path.join(folder, f"run-{run_files:06d}")
                with open(run_path, "wb") as run_file:
                    run_file.write(b"".join(digest + struct.pack("<Q", i) for digest, i in pairs))
                    run_file.flush()
                    os.fsync(run_file.fileno())
                run_files += 1
        db.execute("COMMIT")
    elapsed = time.perf_counter() - started
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    size = os.path.getsize(path) + sum(
        os.path.getsize(os.path.join(folder, name)) for name in os.listdir(folder) if name.startswith("run-")
    )
    return elapsed, size


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--chunk", type=int, default=50_000)
    parser.add_argument("--layouts", default="rows,rows-noindex,compact,segments,segments+key,segments+run")
    arguments = parser.parse_args()
    rng = random.Random(7)
    entries = []
    for i in range(arguments.entries):
        digest = rng.randbytes(32)
        entries.append((i, rng.randbytes(110), digest, rng.randbytes(32), struct.unpack(">q", digest[:8])[0]))
    print(f"{arguments.entries} entries, {arguments.chunk} per transaction, SQLite {sqlite3.sqlite_version}")
    print(f"{'layout':<14} {'seconds':>8} {'entries/s':>10} {'bytes/entry':>12}")
    for layout in arguments.layouts.split(","):
        with tempfile.TemporaryDirectory(prefix="hallmark-layout-") as folder:
            elapsed, size = run(layout, entries, arguments.chunk, folder)
        print(f"{layout:<14} {elapsed:8.2f} {arguments.entries / elapsed:10.0f} {size / arguments.entries:12.0f}")


if __name__ == "__main__":
    main()
