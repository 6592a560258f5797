import Foundation
import HallmarkCore
import HallmarkMember
import HallmarkRecords

extension APIDocument {
    /// A quarantine an operator lifted: the answer to `POST /v1/origins/{member}/clear-quarantine`, and part of an
    /// origin's audit.
    public struct QuarantineClearance: Codable, Sendable, Equatable {
        /// The origin.
        public var origin: String
        /// Since when it had been quarantined.
        public var quarantinedSince: String
        /// Why it had been.
        public var reason: String
        /// When the operator cleared it.
        public var clearedAt: String
        /// The operator's note, possibly empty.
        public var note: String

        /// The JSON form of a clearance.
        public init(_ clearance: HallmarkRecords.QuarantineClearance) {
            origin = clearance.origin.rawValue
            quarantinedSince = clearance.quarantinedSince.iso8601
            reason = clearance.reason
            clearedAt = clearance.clearedAt.iso8601
            note = clearance.note
        }
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
            quarantined = status.quarantinedOrigins.map(Quarantine.init)
            equivocations = status.equivocationCount
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

        /// The JSON form of a quarantine.
        public init(_ quarantine: QuarantinedOrigin) {
            origin = quarantine.origin.rawValue
            since = quarantine.since.iso8601
            reason = quarantine.reason
        }
    }

    /// The answer to `GET /healthz` and `GET /readyz`.
    public struct Health: Codable, Sendable, Equatable {
        /// `ok` or `ready`.
        public var status: String

        /// Creates the document from its fields.
        public init(status: String) {
            self.status = status
        }
    }
}
