import Foundation
import GRDB
import HallmarkCore
import HallmarkRecords

extension HallmarkStore {
    /// The log head of `origin`, or `nil` when the store holds nothing of it.
    public func logHead(of origin: MemberID) async throws -> LogHead? {
        try await database.read { db in try Self.logHead(of: origin, in: db) }
    }

    /// Every log head the store holds, by origin.
    public func logHeads() async throws -> [LogHead] {
        try await database.read { db in try Self.allLogHeads(in: db) }
    }

    /// The latest signed checkpoint of `origin`.
    public func latestCheckpoint(of origin: MemberID) async throws -> Checkpoint? {
        try await database.read { db in
            let bytes: Data? = try db.storedValue(
                in: "checkpoints",
                sql: "SELECT bytes FROM checkpoints WHERE origin = ? ORDER BY tree_size DESC LIMIT 1",
                arguments: [origin.rawValue]
            )
            return try bytes.map { try Checkpoint(decoding: $0) }
        }
    }

    /// The leaf hashes of the first `count` entries of `origin`'s log, in order.
    public func leafHashes(of origin: MemberID, count: UInt64) async throws -> [Hash256] {
        try await leafHashes(of: origin, range: 0..<count)
    }

    /// Records (or replaces) the certificate that verifies a member's checkpoints.
    public func recordMember(_ member: MemberID, certificatePEM: String, fingerprint: String) async throws {
        try await write { db in
            try Self.recordMember(member, certificatePEM: certificatePEM, fingerprint: fingerprint, in: db)
        }
    }

    static func recordMember(_ member: MemberID, certificatePEM: String, fingerprint: String, in db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO members (id, certificate_pem, fingerprint, added_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET certificate_pem = excluded.certificate_pem,
                    fingerprint = excluded.fingerprint
                """,
            arguments: [member.rawValue, certificatePEM, fingerprint, Timestamp.now().millisecondsSince1970]
        )
    }

    /// The certificate (PEM) recorded for `member`, if any.
    public func memberCertificatePEM(_ member: MemberID) async throws -> String? {
        try await database.read { db in
            try db.storedValue(
                in: "members",
                sql: "SELECT certificate_pem FROM members WHERE id = ?",
                arguments: [member.rawValue]
            )
        }
    }

    static func logHead(of origin: MemberID, in db: Database) throws -> LogHead? {
        guard
            let row = try Row.fetchOne(
                db,
                sql: "SELECT tree_size, root_hash, frontier FROM log_heads WHERE origin = ?",
                arguments: [origin.rawValue]
            )
        else { return nil }
        return try logHead(origin: origin, row: row)
    }

    static func allLogHeads(in db: Database) throws -> [LogHead] {
        try Row.fetchAll(db, sql: "SELECT origin, tree_size, root_hash, frontier FROM log_heads ORDER BY origin").map {
            try logHead(origin: MemberID($0.stored("origin", in: "log_heads")), row: $0)
        }
    }

    private static func logHead(origin: MemberID, row: Row) throws -> LogHead {
        let size: Int64 = try row.stored("tree_size", in: "log_heads")
        let root: Data = try row.stored("root_hash", in: "log_heads")
        let frontier: Data = try row.stored("frontier", in: "log_heads")
        let head = LogHead(
            origin: origin,
            treeSize: try UInt64(stored: size, "tree_size"),
            rootHash: try Hash256(bytes: root),
            frontier: try MerkleFrontier(decoding: frontier)
        )
        // Written together; a damaged file that splits them would make a sync's arithmetic on the two underflow.
        guard head.frontier.size == head.treeSize else {
            throw HallmarkError(
                .storeProblem,
                "the log head of \(origin) has tree size \(head.treeSize) but a Merkle frontier of "
                    + "\(head.frontier.size) leaves; run 'hallmark audit verify-store'",
                location: "log_heads"
            )
        }
        return head
    }

    /// The most rows a read reserves room for at once: a damaged store's checkpoint may claim far more entries than
    /// the store holds, and the arrays grow past this as rows arrive.
    static let reservedRows: UInt64 = 1 << 20

    static func leafHashes(of origin: MemberID, range: Range<UInt64>, in db: Database) throws -> [Hash256] {
        try entries(of: origin, in: range, missing: .storeProblem, in: db).map { MerkleHash.leaf($0.bytes) }
    }

    /// The root of `origin`'s log at `size`: from a stored checkpoint when there is one, else recomputed.
    static func rootHash(of origin: MemberID, atSize size: UInt64, in db: Database) throws -> Hash256 {
        if let stored: Data = try db.storedValue(
            in: "checkpoints",
            sql: "SELECT root_hash FROM checkpoints WHERE origin = ? AND tree_size = ?",
            arguments: [origin.rawValue, try Int64(sqlite: size, "tree size")]
        ) {
            return try Hash256(bytes: stored)
        }
        return try MerkleTree(leafHashes: leafHashes(of: origin, range: 0..<size, in: db)).root
    }
}

extension Hash256 {
    /// The 32 bytes as `Data`, for SQLite blobs.
    var data: Data { Data(bytes) }
}

extension HallmarkStore {
    /// The exact bytes of entry `index` of `origin`'s log.
    /// - Throws: ``HallmarkError`` `not-found` when the store does not hold it.
    public func entryBytes(origin: MemberID, index: UInt64) async throws -> [UInt8] {
        try await database.read { db in
            guard let stored = try Self.entry(of: origin, index: index, in: db) else {
                throw HallmarkError(.notFound, "no entry \(origin)#\(index) in this store")
            }
            return stored.bytes
        }
    }
}

extension HallmarkStore {
    /// The entries of `origin`'s log from index `start` to its latest checkpoint, with that checkpoint,
    /// exactly as stored: what a relay hands on. `nil` when the store holds nothing beyond `start`.
    /// - Parameter receivedFrom: The member recorded as the hop when the batch is appended elsewhere.
    public func batch(of origin: MemberID, from start: UInt64, receivedFrom: MemberID) async throws -> LogBatch? {
        try await database.read { db in
            guard
                let checkpointBytes: Data = try db.storedValue(
                    in: "checkpoints",
                    sql: "SELECT bytes FROM checkpoints WHERE origin = ? ORDER BY tree_size DESC LIMIT 1",
                    arguments: [origin.rawValue]
                )
            else { return nil }
            let checkpoint = try Checkpoint(decoding: checkpointBytes)
            guard checkpoint.treeSize > start else { return nil }
            var items: [LogBatch.Item] = []
            try Self.forEachEntry(of: origin, in: start..<checkpoint.treeSize, in: db) { stored in
                items.append(LogBatch.Item(entry: try Entry(decoding: stored.bytes), bytes: stored.bytes))
                return true
            }
            return LogBatch(origin: origin, items: items, checkpoint: checkpoint, receivedFrom: receivedFrom)
        }
    }
}

extension HallmarkStore {
    /// The exact bytes of entries `range` of `origin`'s log, in order.
    /// - Throws: ``HallmarkError`` `not-found` when the store does not hold all of them.
    public func entryBytes(origin: MemberID, range: Range<UInt64>) async throws -> [[UInt8]] {
        try await database.read { db in
            try Self.entries(of: origin, in: range, missing: .notFound, in: db).map(\.bytes)
        }
    }

    /// The leaf hashes of entries `range` of `origin`'s log, in order.
    public func leafHashes(of origin: MemberID, range: Range<UInt64>) async throws -> [Hash256] {
        try await database.read { db in try Self.leafHashes(of: origin, range: range, in: db) }
    }

    /// The signed checkpoint of `origin` at exactly `treeSize`, if the store holds one.
    public func checkpoint(of origin: MemberID, treeSize: UInt64) async throws -> Checkpoint? {
        try await database.read { db in
            let bytes: Data? = try db.storedValue(
                in: "checkpoints",
                sql: "SELECT bytes FROM checkpoints WHERE origin = ? AND tree_size = ?",
                arguments: [origin.rawValue, try Int64(sqlite: treeSize, "tree size")]
            )
            return try bytes.map { try Checkpoint(decoding: $0) }
        }
    }

    /// The latest signed checkpoint of every origin held, with the origin's certificate (PEM) when recorded.
    public func latestCheckpoints() async throws -> [(checkpoint: Checkpoint, certificatePEM: String?)] {
        try await database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT c.bytes, m.certificate_pem FROM checkpoints c
                    JOIN (SELECT origin, MAX(tree_size) AS size FROM checkpoints GROUP BY origin) latest
                        ON latest.origin = c.origin AND latest.size = c.tree_size
                    LEFT JOIN members m ON m.id = c.origin
                    ORDER BY c.origin
                    """
            ).map { row in
                (
                    try Checkpoint(decoding: row.stored("bytes", in: "checkpoints") as Data),
                    try row.stored("certificate_pem", in: "members") as String?
                )
            }
        }
    }
}
