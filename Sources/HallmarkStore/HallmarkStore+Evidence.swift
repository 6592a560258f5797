import Foundation
import GRDB
import HallmarkCore
import HallmarkRecords

extension HallmarkStore {
    /// The most origins recorded separately per peer in ``peerRejections()``; rejections of further origins are
    /// counted under `*`, so that a peer inventing origins cannot grow the table without bound.
    public static let maximumRejectionOriginsPerPeer = 256
    /// The longest reason kept for a rejection, in characters.
    static let maximumRejectionReasonLength = 1_000

    /// Counts a batch that `peer` sent and this node rejected.
    /// - Parameters:
    ///   - peer: The peer, from its certificate.
    ///   - origin: The origin the peer named (possibly not a valid member id: it is kept as text).
    ///   - reason: Why the batch was rejected.
    ///   - time: When.
    public func recordPeerRejection(
        peer: MemberID,
        origin: String,
        reason: String,
        at time: Timestamp = .now()
    ) async throws {
        let reason = String(reason.prefix(Self.maximumRejectionReasonLength))
        let originText = (try? MemberID(origin)) != nil ? origin : "*"
        try await write { db in
            var key = originText
            let known =
                try Int.fetchOne(
                    db,
                    sql: "SELECT COUNT(*) FROM peer_rejections WHERE peer = ? AND origin = ?",
                    arguments: [peer.rawValue, key]
                ) ?? 0
            if known == 0 {
                let origins =
                    try Int.fetchOne(
                        db,
                        sql: "SELECT COUNT(*) FROM peer_rejections WHERE peer = ?",
                        arguments: [peer.rawValue]
                    ) ?? 0
                if origins >= Self.maximumRejectionOriginsPerPeer { key = "*" }
            }
            try db.execute(
                sql: """
                    INSERT INTO peer_rejections (peer, origin, reason, first_at, last_at, count) VALUES (?, ?, ?, ?, ?, 1)
                    ON CONFLICT (peer, origin) DO UPDATE SET
                        reason = excluded.reason, last_at = excluded.last_at, count = count + 1
                    """,
                arguments: [peer.rawValue, key, reason, time.millisecondsSince1970, time.millisecondsSince1970]
            )
        }
    }

    /// Every peer's rejected batches, by peer and origin.
    public func peerRejections() async throws -> [PeerRejection] {
        try await database.read { db in try Self.peerRejections(in: db) }
    }

    static func peerRejections(in db: Database) throws -> [PeerRejection] {
        try Row.fetchAll(
            db,
            sql: "SELECT peer, origin, reason, first_at, last_at, count FROM peer_rejections ORDER BY peer, origin"
        ).map { row in
            PeerRejection(
                peer: try MemberID(row.stored("peer", in: "peer_rejections")),
                origin: try row.stored("origin", in: "peer_rejections"),
                reason: try row.stored("reason", in: "peer_rejections"),
                firstAt: Timestamp(millisecondsSince1970: try row.stored("first_at", in: "peer_rejections")),
                lastAt: Timestamp(millisecondsSince1970: try row.stored("last_at", in: "peer_rejections")),
                count: try row.stored("count", in: "peer_rejections")
            )
        }
    }

    /// Keeps evidence of equivocation and, when `quarantine` is set, quarantines the origin, in one transaction.
    /// - Parameters:
    ///   - evidence: Both checkpoints, the peer, the time.
    ///   - quarantine: Whether the origin takes no new entries from now on (not for this node's own origin).
    /// - Returns: Whether the evidence is new (the same offered checkpoint is kept once).
    @discardableResult
    public func recordEquivocation(_ evidence: EquivocationEvidence, quarantine: Bool) async throws -> Bool {
        try await write { db in
            try db.execute(
                sql: """
                    INSERT OR IGNORE INTO equivocations
                        (origin, held_checkpoint, offered_checkpoint, offered_certificate_pem, peer, detected_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    evidence.origin.rawValue, evidence.heldCheckpoint.map { Data($0) },
                    Data(evidence.offeredCheckpoint),
                    evidence.offeredCertificatePEM, evidence.peer.rawValue, evidence.detectedAt.millisecondsSince1970,
                ]
            )
            let isNew = db.changesCount > 0
            if quarantine {
                try db.execute(
                    sql: "INSERT OR IGNORE INTO quarantined_origins (origin, since, reason) VALUES (?, ?, ?)",
                    arguments: [
                        evidence.origin.rawValue, evidence.detectedAt.millisecondsSince1970,
                        "equivocation: signed two inconsistent checkpoints (reported by \(evidence.peer))",
                    ]
                )
            }
            return isNew
        }
    }

    /// The equivocation evidence held, oldest first; only `origin`'s when given.
    public func equivocations(of origin: MemberID? = nil) async throws -> [EquivocationEvidence] {
        try await database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT origin, held_checkpoint, offered_checkpoint, offered_certificate_pem, peer, detected_at
                    FROM equivocations WHERE ? IS NULL OR origin = ? ORDER BY id
                    """,
                arguments: [origin?.rawValue, origin?.rawValue]
            ).map { row in
                EquivocationEvidence(
                    origin: try MemberID(row.stored("origin", in: "equivocations")),
                    heldCheckpoint: (try row.stored("held_checkpoint", in: "equivocations") as Data?)
                        .map { [UInt8]($0) },
                    offeredCheckpoint: [UInt8](try row.stored("offered_checkpoint", in: "equivocations") as Data),
                    offeredCertificatePEM: try row.stored("offered_certificate_pem", in: "equivocations"),
                    peer: try MemberID(row.stored("peer", in: "equivocations")),
                    detectedAt: Timestamp(millisecondsSince1970: try row.stored("detected_at", in: "equivocations"))
                )
            }
        }
    }

    /// Every quarantined origin.
    public func quarantinedOrigins() async throws -> [QuarantinedOrigin] {
        try await database.read { db in try Self.quarantinedOrigins(in: db) }
    }

    static func quarantinedOrigins(in db: Database) throws -> [QuarantinedOrigin] {
        try Row.fetchAll(db, sql: "SELECT origin, since, reason FROM quarantined_origins ORDER BY origin").map { row in
            QuarantinedOrigin(
                origin: try MemberID(row.stored("origin", in: "quarantined_origins")),
                since: Timestamp(millisecondsSince1970: try row.stored("since", in: "quarantined_origins")),
                reason: try row.stored("reason", in: "quarantined_origins")
            )
        }
    }

    /// The quarantine of `origin`, if it is quarantined.
    public func quarantine(of origin: MemberID) async throws -> QuarantinedOrigin? {
        try await database.read { db in try Self.quarantine(of: origin, in: db) }
    }

    static func quarantine(of origin: MemberID, in db: Database) throws -> QuarantinedOrigin? {
        try Row.fetchOne(
            db,
            sql: "SELECT since, reason FROM quarantined_origins WHERE origin = ?",
            arguments: [origin.rawValue]
        ).map { row in
            QuarantinedOrigin(
                origin: origin,
                since: Timestamp(millisecondsSince1970: try row.stored("since", in: "quarantined_origins")),
                reason: try row.stored("reason", in: "quarantined_origins")
            )
        }
    }

    /// Lifts the quarantine of `origin` (an operator's decision) and records the clearance, in one transaction; the
    /// equivocation evidence stays.
    /// - Parameters:
    ///   - origin: The quarantined origin.
    ///   - note: Why the operator cleared it, kept with the record.
    ///   - time: When.
    /// - Returns: The clearance recorded; `nil` when `origin` was not quarantined (nothing is recorded then).
    @discardableResult
    public func clearQuarantine(of origin: MemberID, note: String, at time: Timestamp) async throws
        -> QuarantineClearance?
    {
        try await write { db in
            guard let quarantine = try Self.quarantine(of: origin, in: db) else { return nil }
            let clearance = QuarantineClearance(
                origin: origin,
                quarantinedSince: quarantine.since,
                reason: quarantine.reason,
                clearedAt: time,
                note: note
            )
            try db.execute(sql: "DELETE FROM quarantined_origins WHERE origin = ?", arguments: [origin.rawValue])
            try db.execute(
                sql: """
                    INSERT INTO quarantine_clearances (origin, quarantined_since, reason, cleared_at, note)
                    VALUES (?, ?, ?, ?, ?)
                    """,
                arguments: [
                    origin.rawValue, quarantine.since.millisecondsSince1970, quarantine.reason,
                    time.millisecondsSince1970, note,
                ]
            )
            return clearance
        }
    }

    /// The quarantines of `origin` that an operator cleared, oldest first.
    public func quarantineClearances(of origin: MemberID) async throws -> [QuarantineClearance] {
        try await database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT quarantined_since, reason, cleared_at, note FROM quarantine_clearances
                    WHERE origin = ? ORDER BY id
                    """,
                arguments: [origin.rawValue]
            ).map { row in
                QuarantineClearance(
                    origin: origin,
                    quarantinedSince: Timestamp(
                        millisecondsSince1970: try row.stored("quarantined_since", in: "quarantine_clearances")
                    ),
                    reason: try row.stored("reason", in: "quarantine_clearances"),
                    clearedAt: Timestamp(
                        millisecondsSince1970: try row.stored("cleared_at", in: "quarantine_clearances")
                    ),
                    note: try row.stored("note", in: "quarantine_clearances")
                )
            }
        }
    }

    /// The root of `origin`'s log at `size` (at most the size held): from a stored checkpoint, else recomputed.
    /// - Throws: ``HallmarkError`` `store-problem` when the store holds fewer than `size` entries of it.
    public func rootHash(of origin: MemberID, atSize size: UInt64) async throws -> Hash256 {
        try await database.read { db in try Self.rootHash(of: origin, atSize: size, in: db) }
    }

    /// The stored checkpoint of `origin` with the smallest tree size at or beyond `treeSize`, if any.
    public func checkpoint(of origin: MemberID, atLeast treeSize: UInt64) async throws -> Checkpoint? {
        try await database.read { db in
            let bytes: Data? = try db.storedValue(
                in: "checkpoints",
                sql: "SELECT bytes FROM checkpoints WHERE origin = ? AND tree_size >= ? ORDER BY tree_size LIMIT 1",
                arguments: [origin.rawValue, Int64(clamping: treeSize)]
            )
            return try bytes.map { try Checkpoint(decoding: $0) }
        }
    }

    /// Refuses a batch of a quarantined origin, inside the transaction that would append it.
    static func refuseIfQuarantined(_ origin: MemberID, in db: Database) throws {
        if let quarantine = try quarantine(of: origin, in: db) {
            throw HallmarkError(
                .notPermitted,
                "\(origin) is quarantined since \(quarantine.since) (\(quarantine.reason)); "
                    + "no new entries of it are accepted until an operator clears it"
            )
        }
    }
}
