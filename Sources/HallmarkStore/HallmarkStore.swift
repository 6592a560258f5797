import Foundation
import GRDB
import HallmarkCore
import HallmarkRecords
import Logging
import Synchronization

/// A member node's persistent state: every verified log it holds, their checkpoints, the indicator
/// state folded from them, and the Bloom filter in front of that state.
///
/// One SQLite database in WAL mode (`hallmark.sqlite` in the data folder). Every batch is appended
/// in a single transaction together with its checkpoint and the state it changes, so a crash leaves
/// either all of a batch or none of it.
public final class HallmarkStore: Sendable {
    /// The database file's name inside the data folder.
    public static let databaseFileName = "hallmark.sqlite"
    /// The filter snapshot's file name inside the data folder.
    public static let filterSnapshotFileName = "filter.snapshot"
    /// Marks a database as a Hallmark store, so that another SQLite file is never mistaken for one.
    static let formatMarker = "hallmark-store"

    /// The data folder.
    public let directory: URL
    /// The member this node belongs to.
    public let selfMember: MemberID

    let database: DatabasePool
    let filter: FilterIndex
    let listed: ListedIndex
    let allowlistIndex = AllowlistIndex()
    let logger: Logger
    /// The size the write-ahead log may reach before a write waits for the readers to let it start over, in bytes.
    /// SQLite's automatic checkpoints copy the WAL into the database but start it over only at a moment no reader
    /// uses it; with reads that never pause (a status poll, a peer's sync, audits) it grew without bound: 36 GB at
    /// 10 M entries in the incremental-sync benchmark, until the disk was full.
    let walLimit = Atomic<Int>(512 << 20)

    private init(
        directory: URL,
        database: DatabasePool,
        selfMember: MemberID,
        filter: FilterIndex,
        listed: ListedIndex,
        logger: Logger
    ) {
        self.directory = directory
        self.database = database
        self.selfMember = selfMember
        self.filter = filter
        self.listed = listed
        self.logger = logger
    }

    /// Gives back what SQLite caches: idle reader connections close (their page caches with them) and the writer's
    /// cache is emptied. Blocks until the readers in use are done: call it off the concurrency pool, when idle.
    public func releaseMemory() {
        database.releaseMemory()
    }

    /// Creates a new, empty store for `member` in `directory` (created if missing).
    /// - Throws: ``HallmarkError`` `store-problem` when the folder already holds a store.
    public static func create(in directory: URL, selfMember: MemberID, logger: Logger) throws -> HallmarkStore {
        let path = directory.appendingPathComponent(databaseFileName).path
        if FileManager.default.fileExists(atPath: path) {
            throw HallmarkError(.storeProblem, "a Hallmark store already exists here", location: directory.path)
        }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw HallmarkError(
                .fileProblem,
                "cannot create the data folder: \(error.localizedDescription)",
                location: directory.path
            )
        }
        let database = try openDatabase(path: path)
        try migrate(database, path: path)
        try database.write { db in
            try db.execute(
                sql: "INSERT INTO meta (key, value) VALUES ('format', ?), ('self_member', ?), ('filter_seed', ?)",
                arguments: [formatMarker, selfMember.rawValue, String(UInt64.random(in: .min ... .max))]
            )
        }
        return try open(in: directory, logger: logger)
    }

    /// Opens the store in `directory`, migrating it to the current schema and loading the filter
    /// from its snapshot (or rebuilding it when the snapshot is missing or stale).
    /// - Parameters:
    ///   - directory: The data folder.
    ///   - logger: Where the store reports.
    ///   - deferringFilterBuild: When the snapshot cannot be used, open at once with the filter unloaded instead of
    ///     rebuilding it first (a long wait for a large store): until ``rebuildFilter(reason:)`` finishes, checks are
    ///     answered from the exact index and ``isFilterLoaded`` is `false`. A running node does this, so that it
    ///     answers (and says it is not ready yet) while the filter builds. The listed table is then left for
    ///     ``rebuildListedTable(reason:)`` too.
    ///   - holdingListedTable: Whether to hold every listed indicator's folded state in memory, so that positive
    ///     checks never ask SQLite (``listedAssertions(for:)``): what a node wants; a one-shot command that imports
    ///     or exports need not spend the time to build it.
    /// - Throws: ``HallmarkError`` `store-problem` when the folder is not a Hallmark store.
    public static func open(
        in directory: URL,
        logger: Logger,
        deferringFilterBuild: Bool = false,
        holdingListedTable: Bool = true
    ) throws -> HallmarkStore {
        let path = directory.appendingPathComponent(databaseFileName).path
        guard FileManager.default.fileExists(atPath: path) else {
            throw HallmarkError(
                .storeProblem,
                "not a Hallmark data folder (no \(databaseFileName)); run 'hallmark init' first",
                location: directory.path
            )
        }
        // Check the marker read-only first: opening a pool would switch someone else's SQLite file to WAL.
        try checkFormatMarker(path: path, directory: directory)
        let database = try openDatabase(path: path)
        try migrate(database, path: path)
        let (member, seed): (MemberID, UInt64) = try database.read { db in
            guard
                let memberText: String = try db.storedValue(
                    in: "meta",
                    sql: "SELECT value FROM meta WHERE key = 'self_member'"
                ),
                let seedText: String = try db.storedValue(
                    in: "meta",
                    sql: "SELECT value FROM meta WHERE key = 'filter_seed'"
                ),
                let seed = UInt64(seedText)
            else {
                throw HallmarkError(.storeProblem, "the store's metadata is incomplete", location: path)
            }
            return (try MemberID(memberText), seed)
        }
        let filter = FilterIndex(
            snapshotURL: directory.appendingPathComponent(filterSnapshotFileName),
            seed: seed,
            logger: logger
        )
        let store = HallmarkStore(
            directory: directory,
            database: database,
            selfMember: member,
            filter: filter,
            listed: ListedIndex(enabled: holdingListedTable),
            logger: logger
        )
        try store.loadFilter(deferringBuild: deferringFilterBuild)
        if !deferringFilterBuild { try store.buildListedTable() }
        try database.read { db in try store.loadAllowlist(in: db) }
        return store
    }

    private static func checkFormatMarker(path: String, directory: URL) throws {
        let notAStore = HallmarkError(
            .storeProblem,
            "\(databaseFileName) is not a Hallmark store",
            location: directory.path
        )
        var configuration = Configuration()
        configuration.readonly = true
        // Right after a crash the first connection to come replays the WAL while holding a lock; another process
        // opening the store then (the restarted node, an import, `audit verify-store`) must wait, not give up.
        configuration.busyMode = .timeout(10)
        let marker: String?
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            marker = try queue.read { db in
                guard try db.tableExists("meta") else { return nil }
                return try db.storedValue(in: "meta", sql: "SELECT value FROM meta WHERE key = 'format'")
            }
            try queue.close()
        } catch let error as DatabaseError where error.resultCode == .SQLITE_NOTADB {
            throw notAStore
        } catch {
            // A busy, unreadable or damaged file is not "some other file": say what SQLite said.
            throw openingError(error, "cannot read the database", path: path)
        }
        guard marker == formatMarker else { throw notAStore }
    }

    private static func migrate(_ database: DatabasePool, path: String) throws {
        do {
            try migrator.migrate(database)
        } catch {
            throw openingError(error, "cannot migrate the database", path: path)
        }
    }

    /// Runs `updates` in one write transaction. A disk that runs out of space is a condition an operator meets and
    /// mends, not an internal error: it becomes ``HallmarkError`` `storage-full`, and SQLite has rolled the whole
    /// transaction back, so nothing of it was stored.
    func write<T: Sendable>(_ updates: @Sendable (Database) throws -> T) async throws -> T {
        let result: T
        do {
            result = try await database.write(updates)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_FULL {
            throw HallmarkError(
                .storageFull,
                "the disk holding the store is full; nothing of this write was stored: free space and try again",
                location: directory.path
            )
        }
        await boundWriteAheadLog()
        return result
    }

    /// Starts the WAL over once it passes ``walLimit``: a truncating checkpoint waits (up to the busy timeout) for the
    /// readers of older snapshots, copies every frame into the database and empties the file. Writes wait meanwhile;
    /// it happens once per ``walLimit`` of commits at most. A checkpoint that cannot finish is tried after the next write.
    private func boundWriteAheadLog() async {
        let path = database.path + "-wal"
        guard let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber,
            size.intValue > walLimit.load(ordering: .relaxed)
        else { return }
        do {
            try await database.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
            logger.info("write-ahead log started over", metadata: ["wal.bytes_before": "\(size.int64Value)"])
        } catch {
            logger.warning(
                "write-ahead log could not start over; trying again after the next write",
                metadata: ["wal.bytes": "\(size.int64Value)", "error": "\(error)"]
            )
        }
    }

    /// The page cache of the connection that writes, in KiB: chosen by measurement. Since a batch is written in key
    /// order (``keyOrder(of:)``), a page a chunk needs is mostly the next one in the file, and a larger cache bought
    /// little time: a 1 M import took 15.7–18.0 s with 64 MiB and 15.4–17.6 s with 256 MiB, a 10 M import 414 s and
    /// 425 s, while its peak resident memory was 239 MiB against 438 MiB. A sync wants it: with 32 MiB a cold
    /// `hallmark sync` of 1 M entries took 15.9–16.7 s against 14.3 s (BENCHMARKS.md). Memory is taken only as pages
    /// are used; reader connections keep SQLite's default.
    public static let writerCacheKiB = 64 << 10

    /// The writer's page cache while an import runs, in KiB: an import holds two chunks of entries beside it (one
    /// committing, the next being made), and with 64 MiB a 10 M-line import passed 256 MiB (277 MiB a fifth of the way
    /// in); with 32 MiB it peaked at 252 MiB, and 1 M lines took 11.6–13.3 s against 11.4–12.3 s (BENCHMARKS.md).
    public static let importWriterCacheKiB = 32 << 10

    /// Sets the page cache of the connection that writes, in KiB, for the writes that follow (SQLite frees what a
    /// smaller cache no longer holds at once). The store opens with ``writerCacheKiB``.
    public func setWriterCache(kibibytes: Int) async throws {
        try await database.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA cache_size = -\(kibibytes)") }
    }

    /// The WAL pages after which a commit copies them into the database (SQLite's own checkpoint; 1 000 by default).
    /// A large commit touches most leaves of the digest-keyed tables, so with the default every commit of an import or
    /// a sync was followed by a checkpoint writing those pages again; at 64 MiB a page rewritten by several commits is
    /// copied once (a 1 M import: 15.6 s instead of 17.7 s, best of three and two runs). ``walLimit`` still bounds the file.
    static let autoCheckpointPages = 16_384

    private static func openDatabase(path: String) throws -> DatabasePool {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.label = "hallmark"
        configuration.prepareDatabase { db in
            guard !db.configuration.readonly else { return }
            try db.execute(sql: "PRAGMA cache_size = -\(writerCacheKiB)")
            try db.execute(sql: "PRAGMA wal_autocheckpoint = \(autoCheckpointPages)")
        }
        do {
            return try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw openingError(error, "cannot open the database", path: path)
        }
    }

    /// What to say when the database cannot be opened. On a full disk SQLite cannot create or grow the WAL's
    /// shared-memory file and reports a mere I/O error: say that the disk is full, which the operator can mend.
    private static func openingError(_ error: any Error, _ failure: String, path: String) -> HallmarkError {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let free = (try? FileManager.default.attributesOfFileSystem(forPath: folder))?[.systemFreeSize] as? NSNumber
        if let free, free.int64Value < 1 << 20, let error = error as? DatabaseError,
            [.SQLITE_IOERR, .SQLITE_FULL, .SQLITE_CANTOPEN].contains(error.resultCode)
        {
            return HallmarkError(
                .storageFull,
                "\(failure): the disk holding the store is full (\(free.int64Value) bytes free); free space and try again",
                location: path
            )
        }
        return HallmarkError(.storeProblem, "\(failure): \(error)", location: path)
    }
}
