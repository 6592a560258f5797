import Foundation
import GRDB
import HallmarkCore
import HallmarkRecords

extension HallmarkStore {
    /// Keeps verified cosignatures, each once per cosigner and checkpoint (a later one from the same cosigner adds
    /// nothing: it makes the same statement).
    ///
    /// The caller has verified each against its checkpoint and the cosigner's certificate, and checked that the
    /// checkpoint is one this store holds (``holdsStatement(of:)``).
    /// - Returns: How many were new.
    @discardableResult
    public func recordCosignatures(_ cosignatures: [StoredCosignature]) async throws -> Int {
        guard !cosignatures.isEmpty else { return 0 }
        return try await write { db in
            let insert = try db.cachedStatement(
                sql: """
                    INSERT OR IGNORE INTO cosignatures (origin, checkpoint_body_hash, tree_size, cosigner, time,
                        signature, certificate_pem, received_from, received_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """
            )
            var added = 0
            for item in cosignatures {
                try insert.execute(arguments: [
                    item.origin.rawValue, item.checkpointBodyHash.data, Int64(clamping: item.treeSize),
                    item.cosigner.rawValue, item.cosignature.seconds, Data(item.cosignature.signature),
                    item.certificatePEM, item.receivedFrom.rawValue, item.receivedAt.millisecondsSince1970,
                ])
                added += db.changesCount
            }
            return added
        }
    }

    /// The cosignatures kept of `checkpoint` (of any checkpoint with its signed body), this node's own first, then
    /// by cosigner.
    public func cosignatures(of checkpoint: Checkpoint) async throws -> [StoredCosignature] {
        try await database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT cosigner, time, signature, certificate_pem, received_from, received_at FROM cosignatures
                    WHERE origin = ? AND checkpoint_body_hash = ?
                    ORDER BY cosigner <> ?, cosigner
                    """,
                arguments: [checkpoint.origin.rawValue, checkpoint.bodyHash.data, selfMember.rawValue]
            ).map { row in
                StoredCosignature(
                    try Cosignature(
                        cosigner: try MemberID(row.stored("cosigner", in: "cosignatures")),
                        time: try Timestamp(storedSeconds: row.stored("time", in: "cosignatures"), "cosignature time"),
                        signature: [UInt8](try row.stored("signature", in: "cosignatures") as Data)
                    ),
                    of: checkpoint,
                    certificatePEM: try row.stored("certificate_pem", in: "cosignatures"),
                    receivedFrom: try MemberID(row.stored("received_from", in: "cosignatures")),
                    receivedAt: Timestamp(millisecondsSince1970: try row.stored("received_at", in: "cosignatures"))
                )
            }
        }
    }

    /// Where this store holds `checkpoint`'s statement (its signed body): as a checkpoint of the origin's log, or as
    /// one of the two checkpoints of equivocation evidence; `nil` when it holds it nowhere.
    public func holdsStatement(of checkpoint: Checkpoint) async throws -> HeldStatement? {
        let body = checkpoint.signedBody
        return try await database.read { db in
            if let stored: Data = try db.storedValue(
                in: "checkpoints",
                sql: "SELECT bytes FROM checkpoints WHERE origin = ? AND tree_size = ?",
                arguments: [checkpoint.origin.rawValue, Int64(clamping: checkpoint.treeSize)]
            ), try Checkpoint(decoding: stored).signedBody == body {
                return .log
            }
            let evidence = try Row.fetchAll(
                db,
                sql: "SELECT held_checkpoint, offered_checkpoint FROM equivocations WHERE origin = ?",
                arguments: [checkpoint.origin.rawValue]
            )
            for row in evidence {
                for column in ["held_checkpoint", "offered_checkpoint"] {
                    guard let bytes = try row.stored(column, in: "equivocations") as Data?,
                        let kept = try? Checkpoint(decoding: bytes), kept.signedBody == body
                    else { continue }
                    return .evidence
                }
            }
            return nil
        }
    }

    /// The member this node received entry `index` of `origin`'s log from, and when: for a checkpoint of size
    /// `index + 1`, who showed this node that log. `nil` when the store does not hold the entry.
    public func receipt(of origin: MemberID, index: UInt64) async throws -> (from: MemberID, at: Timestamp)? {
        try await database.read { db in
            try Self.entry(of: origin, index: index, in: db).map { stored in
                (try MemberID(stored.receipt.from), Timestamp(millisecondsSince1970: stored.receipt.at))
            }
        }
    }
}
