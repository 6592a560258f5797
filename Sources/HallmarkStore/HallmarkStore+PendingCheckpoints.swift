import Foundation
import GRDB
import HallmarkCore
import HallmarkRecords

/// A signed checkpoint of an origin's log with what proves held entries against it: the store's leaves up to
/// ``heldSize`` and, when the log is held only in part (a sync under way, or interrupted by a crash), the hashes of
/// the subtrees tiling the rest of the log up to the checkpoint — what the chunk that stopped short of it carried.
public struct CoveringCheckpoint: Sendable {
    /// The origin's signed checkpoint.
    public var checkpoint: Checkpoint
    /// How many leaves of the log a proof takes from the store: the checkpoint's tree size, or fewer when pending.
    public var heldSize: UInt64
    /// The hashes of the subtrees tiling `[heldSize, checkpoint.treeSize)`; empty when the whole tree is held.
    public var rightSubtrees: [Hash256]
    /// When this store first held the checkpoint.
    public var receivedAt: Timestamp

    /// Whether the store holds only part of the log the checkpoint covers.
    public var isPending: Bool { heldSize < checkpoint.treeSize }

    /// The proof that entry `index` (below ``heldSize``) is in the checkpoint's tree, from `tree`, the origin's tree
    /// as held (at least ``heldSize`` leaves).
    public func inclusionProof(forIndex index: UInt64, in tree: MerkleTree) throws -> InclusionProof {
        try tree.inclusionProof(
            forIndex: index,
            treeSize: checkpoint.treeSize,
            heldSize: heldSize,
            rightSubtrees: rightSubtrees
        )
    }
}

/// A pending checkpoint as stored, undecoded: for verifying the store itself.
public struct StoredPendingCheckpoint: Sendable {
    /// The tree size recorded beside the checkpoint.
    public var treeSize: UInt64
    /// How much of the log was held when it was recorded.
    public var heldSize: UInt64
    /// The checkpoint's bytes.
    public var bytes: [UInt8]
    /// The subtree hashes, concatenated (32 bytes each unless the store was altered).
    public var rightSubtrees: [UInt8]

    /// ``rightSubtrees`` as hashes; `nil` when their bytes are not whole 32-byte hashes.
    public var subtreeHashes: [Hash256]? { Self.hashes(concatenated: rightSubtrees) }

    /// 32-byte hashes laid end to end, as the table holds them; `nil` when `bytes` do not divide into them.
    static func hashes(concatenated bytes: [UInt8]) -> [Hash256]? {
        guard bytes.count.isMultiple(of: 32) else { return nil }
        return stride(from: 0, to: bytes.count, by: 32).map { Hash256(bytes[$0..<$0 + 32]) }
    }
}

extension HallmarkStore {
    /// Records (or replaces) the checkpoint `batch` was verified against while the log stops short of it at
    /// `heldSize`, with the batch's right subtrees; in the transaction that commits the batch's entries.
    static func recordPending(_ batch: LogBatch, heldSize: UInt64, receivedAt: Int64, in db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO pending_checkpoints (origin, tree_size, held_size, right_subtrees, bytes, received_at)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (origin) DO UPDATE SET
                    received_at = CASE WHEN tree_size = excluded.tree_size THEN received_at
                        ELSE excluded.received_at END,
                    tree_size = excluded.tree_size, held_size = excluded.held_size,
                    right_subtrees = excluded.right_subtrees, bytes = excluded.bytes
                """,
            arguments: [
                batch.origin.rawValue, try Int64(sqlite: batch.checkpoint.treeSize, "tree size"),
                try Int64(sqlite: heldSize, "held size"), Data(batch.rightSubtrees.flatMap(\.bytes)),
                Data(batch.checkpoint.encoded()), receivedAt,
            ]
        )
    }

    /// The checkpoint to prove `origin`'s held entries against: the pending one when the log is held in part beyond
    /// its latest stored checkpoint, else that checkpoint; `nil` when the store holds neither.
    public func provingCheckpoint(of origin: MemberID) async throws -> CoveringCheckpoint? {
        try await database.read { db in
            if let pending = try Self.pendingCheckpoint(of: origin, in: db) { return pending }
            return try Self.storedCheckpoint(
                of: origin,
                in: db,
                where: "c.origin = ? ORDER BY c.tree_size DESC LIMIT 1",
                arguments: [origin.rawValue]
            )
        }
    }

    /// The earliest stored checkpoint of `origin` that covers entry `index`, with when this store first held it (a
    /// checkpoint is stored in the transaction that completes its entries); else the pending checkpoint, when the
    /// entry is among those held toward it. `nil` when nothing stored proves the entry.
    public func checkpointCovering(_ origin: MemberID, index: UInt64) async throws -> CoveringCheckpoint? {
        try await database.read { db in
            if let stored = try Self.storedCheckpoint(
                of: origin,
                in: db,
                where: "c.origin = ? AND c.tree_size > ? ORDER BY c.tree_size LIMIT 1",
                arguments: [origin.rawValue, Int64(clamping: index)]
            ) {
                return stored
            }
            guard let pending = try Self.pendingCheckpoint(of: origin, in: db), index < pending.heldSize else {
                return nil
            }
            return pending
        }
    }

    /// The log head, stored checkpoints and pending checkpoint of `origin`, read at one moment, undecoded: what
    /// proves the log, for verifying the store while a node appends to it.
    public func storedProofs(of origin: MemberID) async throws -> (
        head: LogHead?, checkpoints: [(treeSize: UInt64, bytes: [UInt8])], pending: StoredPendingCheckpoint?
    ) {
        try await database.read { db in
            let checkpoints = try Row.fetchAll(
                db,
                sql: "SELECT tree_size, bytes FROM checkpoints WHERE origin = ? ORDER BY tree_size",
                arguments: [origin.rawValue]
            ).map { row in
                (
                    UInt64(clamping: try row.stored("tree_size", in: "checkpoints") as Int64),
                    [UInt8](try row.stored("bytes", in: "checkpoints") as Data)
                )
            }
            let pending = try Row.fetchOne(
                db,
                sql: "SELECT tree_size, held_size, bytes, right_subtrees FROM pending_checkpoints WHERE origin = ?",
                arguments: [origin.rawValue]
            ).map { row in
                StoredPendingCheckpoint(
                    treeSize: UInt64(clamping: try row.stored("tree_size", in: "pending_checkpoints") as Int64),
                    heldSize: UInt64(clamping: try row.stored("held_size", in: "pending_checkpoints") as Int64),
                    bytes: [UInt8](try row.stored("bytes", in: "pending_checkpoints") as Data),
                    rightSubtrees: [UInt8](try row.stored("right_subtrees", in: "pending_checkpoints") as Data)
                )
            }
            return (try Self.logHead(of: origin, in: db), checkpoints, pending)
        }
    }

    /// The first stored checkpoint that `filter` (on `checkpoints c`) selects, with when its last entry was committed.
    private static func storedCheckpoint(
        of origin: MemberID,
        in db: Database,
        where filter: String,
        arguments: StatementArguments
    ) throws -> CoveringCheckpoint? {
        guard
            let bytes: Data = try db.storedValue(
                in: "checkpoints",
                sql: "SELECT c.bytes FROM checkpoints c WHERE \(filter)",
                arguments: arguments
            )
        else { return nil }
        let checkpoint = try Checkpoint(decoding: bytes)
        // When its last entry was committed; a checkpoint of an empty log covers nothing.
        guard checkpoint.treeSize > 0, let last = try entry(of: origin, index: checkpoint.treeSize - 1, in: db) else {
            return nil
        }
        return CoveringCheckpoint(
            checkpoint: checkpoint,
            heldSize: checkpoint.treeSize,
            rightSubtrees: [],
            receivedAt: Timestamp(millisecondsSince1970: last.receipt.at)
        )
    }

    /// The pending checkpoint of `origin`, decoded and checked for shape.
    /// - Throws: ``HallmarkError`` `store-problem` when what is stored cannot be what this store wrote.
    private static func pendingCheckpoint(of origin: MemberID, in db: Database) throws -> CoveringCheckpoint? {
        guard
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT held_size, right_subtrees, bytes, received_at FROM pending_checkpoints WHERE origin = ?
                    """,
                arguments: [origin.rawValue]
            )
        else { return nil }
        let table = "pending_checkpoints"
        let checkpoint = try Checkpoint(decoding: row.stored("bytes", in: table) as Data)
        let heldSize = try UInt64(stored: row.stored("held_size", in: table) as Int64, "held_size")
        let bytes = [UInt8](try row.stored("right_subtrees", in: table) as Data)
        guard checkpoint.origin == origin, heldSize < checkpoint.treeSize,
            let subtrees = StoredPendingCheckpoint.hashes(concatenated: bytes)
        else {
            throw HallmarkError(
                .storeProblem,
                "the pending checkpoint of \(origin) does not fit its log (held size \(heldSize), "
                    + "\(bytes.count) bytes of subtree hashes); run 'hallmark audit verify-store'",
                location: table
            )
        }
        return CoveringCheckpoint(
            checkpoint: checkpoint,
            heldSize: heldSize,
            rightSubtrees: subtrees,
            receivedAt: Timestamp(millisecondsSince1970: try row.stored("received_at", in: table))
        )
    }
}
