import Foundation
import HallmarkCore
import HallmarkPKI
import HallmarkRecords
import HallmarkStore

/// JSON forms of verdicts, audits and status, shared by the command line's `--json` output and the HTTP API.
///
/// Times are ISO 8601 UTC strings; digests and hashes lower-case hex.
public enum ReportDocument {
    /// The encoder for these documents: snake_case keys, sorted, slashes unescaped.
    public static func makeEncoder(pretty: Bool = false) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        if pretty { encoder.outputFormatting.insert(.prettyPrinted) }
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return encoder
    }

    /// One origin's standing assertion.
    public struct Origin: Codable, Sendable, Equatable {
        /// The member id.
        public var member: String
        /// Confidence, 0–100.
        public var confidence: Int
        /// Reason code.
        public var reason: String
        /// The note, possibly empty.
        public var note: String
        /// When the origin first asserted it.
        public var firstSeen: String
        /// When the origin last asserted it.
        public var lastSeen: String
        /// When it lapses; absent when never.
        public var expires: String?
        /// The member this node received it from (the origin itself when direct).
        public var receivedFrom: String
        /// Other members' disputes of this assertion.
        public var disputes: [Dispute]
        /// Present when the member's certificate is on the revocation list in force.
        public var revoked: Revoked?

        /// The JSON form of an assertion.
        /// - Parameters:
        ///   - record: The assertion.
        ///   - revoked: The revocation of its origin's certificate, if any.
        public init(_ record: AssertionRecord, revoked: OriginRevocation? = nil) {
            self.revoked = revoked.map { Revoked($0, counts: $0.counts(record)) }
            member = record.origin.rawValue
            confidence = record.confidence
            reason = record.reason
            note = record.note
            firstSeen = record.firstSeen.iso8601
            lastSeen = record.lastSeen.iso8601
            expires = record.expires?.iso8601
            receivedFrom = record.receivedFrom.rawValue
            disputes = record.disputes.map(Dispute.init)
        }
    }

    /// That a member's certificate is revoked: its entries stay, marked with this.
    public struct Revoked: Codable, Sendable, Equatable {
        /// From when the certificate is revoked.
        public var since: String
        /// The RFC 5280 reason, such as `keyCompromise`.
        public var reason: String
        /// The number of the revocation list that says so.
        public var revocationList: UInt64
        /// For an assertion: whether it still makes the identifier listed, having reached this node before the
        /// revocation (`Protocol/revocation.md` §3.1); absent for an audited entry.
        public var counts: Bool?

        /// The JSON form of a revocation mark.
        /// - Parameters:
        ///   - revocation: The revocation of the origin's certificate.
        ///   - counts: For an assertion, whether it still counts.
        public init(_ revocation: OriginRevocation, counts: Bool? = nil) {
            since = revocation.since.iso8601
            reason = revocation.reason.name
            revocationList = revocation.listNumber
            self.counts = counts
        }
    }

    /// A dispute of an assertion.
    public struct Dispute: Codable, Sendable, Equatable {
        /// The member id.
        public var member: String
        /// Reason code.
        public var reason: String
        /// The note, possibly empty.
        public var note: String
        /// When it was made.
        public var time: String

        /// The JSON form of a dispute.
        public init(_ record: DisputeRecord) {
            member = record.disputer.rawValue
            reason = record.reason
            note = record.note
            time = record.time.iso8601
        }
    }

    /// A verdict.
    public struct VerdictBody: Codable, Sendable, Equatable {
        /// The indicator kind.
        public var kind: String
        /// The normalized identifier, when it was given raw.
        public var value: String?
        /// The digest looked up, hex.
        public var digest: String
        /// `listed`, `not_listed`, or `allowlisted` (on this member's own allowlist: not to be blocked).
        public var status: String
        /// Every origin whose assertion stands (also when allowlisted), marked `revoked` when its certificate is.
        public var origins: [Origin]

        /// The JSON form of a verdict.
        public init(_ verdict: Verdict) {
            kind = verdict.kind.name
            value = verdict.identifier?.normalized
            digest = verdict.digest.hex
            status = verdict.status.rawValue
            origins = verdict.origins.map { Origin($0, revoked: verdict.revokedOrigins[$0.origin]) }
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

    /// An identifier on this member's allowlist.
    public struct AllowlistEntryBody: Codable, Sendable, Equatable {
        /// The indicator kind.
        public var kind: String
        /// The normalized identifier.
        public var value: String
        /// Its digest, hex.
        public var digest: String
        /// Why it is allowlisted, possibly empty.
        public var note: String
        /// When it was added.
        public var added: String

        /// The JSON form of an allowlist entry.
        public init(_ entry: AllowlistEntry) {
            kind = entry.kind.name
            value = entry.value
            digest = entry.digest.hex
            note = entry.note
            added = entry.added.iso8601
        }
    }

    /// One log held.
    public struct Log: Codable, Sendable, Equatable {
        /// The member whose log holds the entry.
        public var origin: String
        /// Entries held of the log.
        public var treeSize: UInt64
        /// The log's root hash, hex.
        public var rootHash: String
    }

    /// A peer whose data was rejected.
    public struct Rejection: Codable, Sendable, Equatable {
        /// The peer that sent it.
        public var peer: String
        /// The origin whose log it claimed to be.
        public var origin: String
        /// Why it was rejected (the latest reason).
        public var reason: String
        /// When it was last rejected.
        public var lastAt: String
        /// How many times.
        public var count: Int

        /// The JSON form of a peer's rejections.
        public init(_ rejection: PeerRejection) {
            peer = rejection.peer.rawValue
            origin = rejection.origin
            reason = rejection.reason
            lastAt = rejection.lastAt.iso8601
            count = rejection.count
        }
    }

    /// An origin held back because two of its checkpoints contradict each other.
    public struct Quarantine: Codable, Sendable, Equatable {
        /// The origin.
        public var origin: String
        /// Since when.
        public var since: String
        /// Why.
        public var reason: String
    }

    /// Node status.
    public struct StatusBody: Codable, Sendable, Equatable {
        /// The member id.
        public var member: String
        /// The data folder.
        public var dataDirectory: String
        /// The alliance key id digests are made with.
        public var allianceKeyID: String
        /// The size of this member's own log.
        public var ownLogSize: UInt64
        /// Entries held, all origins.
        public var entries: Int
        /// Indicators listed and not expired, by kind.
        public var listed: [String: Int]
        /// Every log held.
        public var logs: [Log]
        /// Memory taken by the Bloom filter.
        public var filterBytes: Int
        /// Digests the filter was sized for.
        public var filterCapacity: Int
        /// Digests inserted into the filter.
        public var filterInserted: Int
        /// The filter's expected false-positive rate now.
        public var filterExpectedFalsePositiveRate: Double
        /// The number of the alliance revocation list in force, if one is installed.
        public var revocationListNumber: UInt64?
        /// Peers whose data was rejected, by peer and origin.
        public var peerRejections: [Rejection]
        /// Origins quarantined for equivocation.
        public var quarantined: [Quarantine]
        /// Pieces of equivocation evidence kept.
        public var equivocations: Int

        /// The JSON form of the node's status.
        public init(_ status: NodeStatus) {
            member = status.member.rawValue
            dataDirectory = status.dataDirectory.path
            allianceKeyID = status.allianceKeyID
            ownLogSize = status.ownLogSize
            entries = status.store.entryCount
            listed = Dictionary(
                uniqueKeysWithValues: IndicatorKind.known.map { ($0.name, status.store.listedByKind[$0] ?? 0) }
            )
            logs = status.store.logs.map {
                Log(origin: $0.origin.rawValue, treeSize: $0.treeSize, rootHash: $0.rootHash.hex)
            }
            filterBytes = status.store.filter.byteCount
            filterCapacity = status.store.filter.capacity
            filterInserted = status.store.filter.insertedCount
            filterExpectedFalsePositiveRate = status.store.filter.expectedFalsePositiveRate
            revocationListNumber = status.revocationListNumber
            peerRejections = status.peerRejections.map(Rejection.init)
            quarantined = status.quarantinedOrigins.map {
                Quarantine(origin: $0.origin.rawValue, since: $0.since.iso8601, reason: $0.reason)
            }
            equivocations = status.equivocationCount
        }
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
