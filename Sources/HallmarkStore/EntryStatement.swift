import GRDB
import GRDBSQLite
import HallmarkCore

/// A prepared statement an append runs once per entry, bound and run through SQLite's C interface.
///
/// GRDB's `StatementArguments` box every value in an existential array, and its `execute` does more per call than a
/// per-entry insert can afford: in an import's profile, passing values to these statements cost about as much as the
/// B-tree inserts they make. Values are bound by position (`?1` is 1); a position keeps what the last run bound, so a
/// caller binds every one before each ``run()``.
struct EntryStatement {
    private let statement: Statement
    private let connection: OpaquePointer?

    /// Prepares `sql` (cached by the connection, as GRDB's `cachedStatement`).
    init(_ db: Database, sql: String) throws {
        statement = try db.cachedStatement(sql: sql)
        connection = db.sqliteConnection
    }

    private var handle: OpaquePointer { statement.sqliteStatement }

    /// SQLite copies what is bound with it before the call returns: the bytes bound here are borrowed for the call only.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    func bind(_ value: Int64, at position: Int32) {
        sqlite3_bind_int64(handle, position, value)
    }

    func bind(_ value: Int64?, at position: Int32) {
        if let value { sqlite3_bind_int64(handle, position, value) } else { sqlite3_bind_null(handle, position) }
    }

    func bind(_ value: String, at position: Int32) {
        var value = value
        value.withUTF8 { text in
            // A null pointer would bind NULL, not the empty text.
            guard let start = text.baseAddress, !text.isEmpty else {
                sqlite3_bind_text(handle, position, "", 0, Self.transient)
                return
            }
            sqlite3_bind_text64(
                handle,
                position,
                start,
                UInt64(truncatingIfNeeded: text.count),
                Self.transient,
                UInt8(truncatingIfNeeded: SQLITE_UTF8)
            )
        }
    }

    /// Binds the digest's 32 bytes, as `Hash256.bytes` orders them.
    func bind(_ digest: Hash256, at position: Int32) {
        var words = (digest.w0.bigEndian, digest.w1.bigEndian, digest.w2.bigEndian, digest.w3.bigEndian)
        withUnsafeBytes(of: &words) { bytes in
            _ = sqlite3_bind_blob64(handle, position, bytes.baseAddress, 32, Self.transient)
        }
    }

    /// Runs the statement to its end and resets it.
    /// - Returns: The rows it inserted, updated or deleted (0 for an insert its `ON CONFLICT DO NOTHING` skipped).
    /// - Throws: GRDB's `DatabaseError`, as a statement run through GRDB would (a full disk stays `SQLITE_FULL`).
    @discardableResult
    func run() throws -> Int {
        let code = sqlite3_step(handle)
        defer { sqlite3_reset(handle) }
        guard code == SQLITE_DONE else {
            throw DatabaseError(
                resultCode: ResultCode(rawValue: code),
                message: String(cString: sqlite3_errmsg(connection)),
                sql: statement.sql
            )
        }
        return Int(truncatingIfNeeded: sqlite3_changes(connection))
    }
}
