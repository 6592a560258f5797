import HallmarkCore
import HallmarkMember

/// JSON bodies the API answers with besides ``ReportDocument``'s verdicts, audits and status.
public enum APIDocument {
    /// The answer to `POST /v1/check`: one verdict per identifier, in the order asked.
    public struct Verdicts: Codable, Sendable, Equatable {
        /// The verdicts.
        public var verdicts: [ReportDocument.VerdictBody]
    }

    /// The answer to `POST /v1/indicators`, `/v1/retractions` and `/v1/disputes`.
    public struct Outcome: Codable, Sendable, Equatable {
        /// Entries appended to this member's log (under one signed checkpoint).
        public var appended: Int
        /// Submissions left out because they repeat this member's current assertion.
        public var unchanged: Int
        /// This member's log size afterwards.
        public var logSize: UInt64

        /// The JSON form of an outcome.
        public init(_ outcome: SubmissionOutcome) {
            appended = outcome.appended
            unchanged = outcome.unchanged
            logSize = outcome.logSize
        }
    }

    /// One configured peer and what is known of it.
    public struct Peer: Codable, Sendable, Equatable {
        /// The member its certificate must name.
        public var member: String
        /// Where its node listens, `HOST:PORT`.
        public var address: String
        /// Batches from it that this node rejected, by origin.
        public var rejections: [ReportDocument.Rejection]
        /// How the last sync with it went; absent before the first one ended.
        public var sync: PeerSync?
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

    /// The answer to `GET /v1/peers`.
    public struct Peers: Codable, Sendable, Equatable {
        /// The configured peers, in configuration order.
        public var peers: [Peer]
        /// Members not configured as peers whose batches were rejected (they connected to this node).
        public var otherRejections: [ReportDocument.Rejection]
    }

    /// The answer to `GET /healthz` and `GET /readyz`.
    public struct Health: Codable, Sendable, Equatable {
        /// `ok` or `ready`.
        public var status: String
    }
}
