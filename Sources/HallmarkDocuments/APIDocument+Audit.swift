import HallmarkCore
import HallmarkMember
import HallmarkRecords

extension APIDocument {
    /// An audit report.
    public struct AuditBody: Codable, Sendable, Equatable {
        /// The indicator kind.
        public var kind: String
        /// The normalized identifier, when it was given raw.
        public var value: String
        /// The digest looked up, hex.
        public var digest: String
        /// Whether every entry verifies.
        public var verified: Bool
        /// The entries about the identifier, by origin and index.
        public var entries: [AuditEntry]

        /// The JSON form of an audit report.
        public init(_ report: AuditReport) {
            kind = report.identifier.kind.name
            value = report.identifier.normalized
            digest = report.digest.hex
            verified = report.allVerified
            entries = report.entries.map {
                AuditEntry($0, revoked: report.revokedOrigins[$0.stored.entry.origin])
            }
        }
    }

    /// One audited entry.
    public struct AuditEntry: Codable, Sendable, Equatable {
        /// The member whose log holds the entry.
        public var origin: String
        /// The entry's index in that log.
        public var index: UInt64
        /// When it was made.
        public var time: String
        /// `assert`, `retract` or `dispute`.
        public var action: String
        /// Confidence, 0–100.
        public var confidence: Int
        /// Reason code.
        public var reason: String
        /// The note, possibly empty.
        public var note: String
        /// When it lapses; absent when never.
        public var expires: String?
        /// For a dispute: the member whose assertion it contests.
        public var disputedOrigin: String?
        /// RFC 9162 leaf hash of the entry's bytes, hex.
        public var leafHash: String
        /// The entry's exact bytes, hex.
        public var entryBytes: String
        /// The member this node received it from (the origin itself when direct).
        public var receivedFrom: String
        /// When this node received it.
        public var receivedAt: String
        /// The tree size of the checkpoint it was proved against.
        public var checkpointTreeSize: UInt64?
        /// That checkpoint's root hash, hex.
        public var checkpointRoot: String?
        /// When that checkpoint was signed.
        public var checkpointTime: String?
        /// Whether the inclusion proof verifies.
        public var inclusionVerified: Bool
        /// Whether the checkpoint's signature verifies with the origin's alliance-issued certificate.
        public var signatureVerified: Bool
        /// Why a proof failed, if one did.
        public var problems: [String]
        /// Present when the origin's certificate is on the revocation list in force.
        public var revoked: Revoked?

        /// The JSON form of an audited entry.
        /// - Parameters:
        ///   - audited: The entry and its proofs.
        ///   - revoked: The revocation of its origin's certificate, if any.
        public init(_ audited: AuditedEntry, revoked: OriginRevocation? = nil) {
            self.revoked = revoked.map { Revoked($0) }
            let entry = audited.stored.entry
            origin = entry.origin.rawValue
            index = entry.index
            time = entry.time.iso8601
            action = entry.action.name
            confidence = Int(entry.confidence)
            reason = entry.reason
            note = entry.note
            expires = entry.expires?.iso8601
            disputedOrigin = entry.disputedOrigin?.rawValue
            leafHash = MerkleHash.leaf(audited.stored.bytes).hex
            entryBytes = audited.stored.bytes.map { String($0, radix: 16).leftPadded(to: 2) }.joined()
            receivedFrom = audited.stored.receivedFrom.rawValue
            receivedAt = audited.stored.receivedAt.iso8601
            checkpointTreeSize = audited.checkpoint?.treeSize
            checkpointRoot = audited.checkpoint?.rootHash.hex
            checkpointTime = audited.checkpoint?.time.iso8601
            inclusionVerified = audited.checkpoint != nil && audited.inclusionProblem == nil
            signatureVerified = audited.checkpoint != nil && audited.signatureProblem == nil
            problems = [audited.inclusionProblem, audited.signatureProblem].compactMap { $0 }
        }
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
