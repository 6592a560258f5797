import HallmarkCore
import HallmarkMember

extension APIDocument {
    /// The answer to `GET /v1/peers`.
    public struct Peers: Codable, Sendable, Equatable {
        /// The configured peers, in configuration order.
        public var peers: [Peer]
        /// Members not configured as peers whose batches were rejected (they connected to this node).
        public var otherRejections: [APIDocument.Rejection]
        /// What the federation listener refused since the node started, by member or address and reason.
        public var refusals: [Refusal]
        /// Members not configured as peers that dialled this node and offered their logs over their own connection
        /// (Protocol/PROTOCOL.md §4.5), by member id, with how the last sync from them went.
        public var offeringMembers: [OfferingMember]

        /// Creates the document from its fields.
        public init(
            peers: [Peer],
            otherRejections: [APIDocument.Rejection],
            refusals: [Refusal],
            offeringMembers: [OfferingMember] = []
        ) {
            self.peers = peers
            self.otherRejections = otherRejections
            self.refusals = refusals
            self.offeringMembers = offeringMembers
        }
    }

    /// A member that offered its logs over a connection it opened to this node.
    public struct OfferingMember: Codable, Sendable, Equatable {
        /// Its member id.
        public var member: String
        /// How the last sync from it went.
        public var sync: PeerSync

        /// Creates the document from its fields.
        public init(member: String, sync: PeerSync) {
            self.member = member
            self.sync = sync
        }
    }

    /// Calls or connections of one kind the federation listener refused to one member or address.
    public struct Refusal: Codable, Sendable, Equatable {
        /// The member id, or `address 203.0.113.7` when no member was known.
        public var from: String
        /// What was refused and why.
        public var reason: String
        /// How many times.
        public var count: Int
        /// When first and last.
        public var firstAt: String
        public var lastAt: String

        /// The JSON form of a refusal.
        public init(_ entry: RefusalBoard.Entry) {
            from = entry.from
            reason = entry.reason
            count = entry.count
            firstAt = entry.firstAt.iso8601
            lastAt = entry.lastAt.iso8601
        }
    }

    /// One configured peer and what is known of it.
    public struct Peer: Codable, Sendable, Equatable {
        /// The member its certificate must name.
        public var member: String
        /// Where its node listens, `HOST:PORT`.
        public var address: String
        /// Batches from it that this node rejected, by origin.
        public var rejections: [APIDocument.Rejection]
        /// How the last sync with it went; absent before the first one ended.
        public var sync: PeerSync?

        /// Creates the document from its fields.
        public init(member: String, address: String, rejections: [APIDocument.Rejection], sync: PeerSync?) {
            self.member = member
            self.address = address
            self.rejections = rejections
            self.sync = sync
        }
    }

    /// How the last sync with a peer went.
    public struct PeerSync: Codable, Sendable, Equatable {
        /// When it ended.
        public var lastSync: String
        /// `ok`, `rejected` (a log failed verification), `interrupted` (the connection was lost) or `unreachable`.
        public var outcome: String
        /// Why, when it did not go through.
        public var detail: String?
        /// Entries it fetched, verified and committed.
        public var entriesFetched: Int
        /// Entries the peer offers that this node still lacks, as of the last comparison of heads.
        public var lagEntries: UInt64

        /// The JSON form of a peer's sync status.
        public init(_ status: PeerSyncStatus) {
            lastSync = status.lastSync.iso8601
            outcome = status.outcome.rawValue
            detail = status.detail
            entriesFetched = status.entriesFetched
            lagEntries = status.lagEntries
        }
    }
}
