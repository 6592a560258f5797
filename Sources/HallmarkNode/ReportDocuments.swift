import Foundation
import HallmarkCore
import HallmarkStore

/// JSON forms of verdicts, audits and status, shared by the command line's `--json` output and the HTTP API.
///
/// Times are ISO 8601 UTC strings; digests and hashes lower-case hex.
public enum ReportDocument {
    /// One origin's standing assertion.
    public struct Origin: Codable, Sendable, Equatable {
        public var member: String
        public var confidence: Int
        public var reason: String
        public var note: String
        public var firstSeen: String
        public var lastSeen: String
        public var expires: String?
        public var receivedFrom: String
        public var disputes: [Dispute]

        /// The JSON form of an assertion.
        public init(_ record: AssertionRecord) {
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

    /// A dispute of an assertion.
    public struct Dispute: Codable, Sendable, Equatable {
        public var member: String
        public var reason: String
        public var note: String
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
        public var kind: String
        public var value: String?
        public var digest: String
        public var status: String
        public var origins: [Origin]

        /// The JSON form of a verdict.
        public init(_ verdict: Verdict) {
            kind = verdict.kind.name
            value = verdict.identifier?.normalized
            digest = verdict.digest.hex
            status = verdict.status.rawValue
            origins = verdict.origins.map(Origin.init)
        }
    }

    /// One audited entry.
    public struct AuditEntry: Codable, Sendable, Equatable {
        public var origin: String
        public var index: UInt64
        public var time: String
        public var action: String
        public var confidence: Int
        public var reason: String
        public var note: String
        public var expires: String?
        public var disputedOrigin: String?
        public var leafHash: String
        public var entryBytes: String
        public var receivedFrom: String
        public var checkpointTreeSize: UInt64?
        public var checkpointRoot: String?
        public var checkpointTime: String?
        public var inclusionVerified: Bool
        public var signatureVerified: Bool
        public var problems: [String]

        /// The JSON form of an audited entry.
        public init(_ audited: AuditedEntry) {
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
        public var kind: String
        public var value: String
        public var digest: String
        public var verified: Bool
        public var entries: [AuditEntry]

        /// The JSON form of an audit report.
        public init(_ report: AuditReport) {
            kind = report.identifier.kind.name
            value = report.identifier.normalized
            digest = report.digest.hex
            verified = report.allVerified
            entries = report.entries.map(AuditEntry.init)
        }
    }

    /// One log held.
    public struct Log: Codable, Sendable, Equatable {
        public var origin: String
        public var treeSize: UInt64
        public var rootHash: String
    }

    /// Node status.
    public struct StatusBody: Codable, Sendable, Equatable {
        public var member: String
        public var dataDirectory: String
        public var allianceKeyID: String
        public var ownLogSize: UInt64
        public var entries: Int
        public var listed: [String: Int]
        public var logs: [Log]
        public var filterBytes: Int
        public var filterCapacity: Int
        public var filterInserted: Int
        public var filterExpectedFalsePositiveRate: Double

        /// The JSON form of the node's status.
        public init(_ status: NodeStatus) {
            member = status.member.rawValue
            dataDirectory = status.dataDirectory.path
            allianceKeyID = status.allianceKeyID
            ownLogSize = status.ownLogSize
            entries = status.store.entryCount
            listed = Dictionary(uniqueKeysWithValues: IndicatorKind.known.map { ($0.name, status.store.listedByKind[$0] ?? 0) })
            logs = status.store.logs.map { Log(origin: $0.origin.rawValue, treeSize: $0.treeSize, rootHash: $0.rootHash.hex) }
            filterBytes = status.store.filter.byteCount
            filterCapacity = status.store.filter.capacity
            filterInserted = status.store.filter.insertedCount
            filterExpectedFalsePositiveRate = status.store.filter.expectedFalsePositiveRate
        }
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
