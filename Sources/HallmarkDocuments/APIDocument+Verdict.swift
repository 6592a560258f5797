import HallmarkCore
import HallmarkMember
import HallmarkPKI
import HallmarkRecords

extension APIDocument {
    /// The answer to `POST /v1/check`: one verdict per identifier, in the order asked.
    public struct Verdicts: Codable, Sendable, Equatable {
        /// The verdicts.
        public var verdicts: [APIDocument.VerdictBody]
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
        /// For `image-pdq` only: every listed hash within the distance allowed, nearest first; absent for other kinds.
        public var matches: [ImageMatchBody]?

        /// The JSON form of a verdict.
        public init(_ verdict: Verdict) {
            kind = verdict.kind.name
            value = verdict.identifier?.normalized
            digest = verdict.digest.hex
            status = verdict.status.rawValue
            origins = verdict.origins.map { Origin($0, revoked: verdict.revokedOrigins[$0.origin]) }
            matches = verdict.kind == .imagePDQ ? verdict.imageMatches.map(ImageMatchBody.init) : nil
        }
    }

    /// A listed PDQ hash near the one checked.
    public struct ImageMatchBody: Codable, Sendable, Equatable {
        /// The listed hash, hex.
        public var digest: String
        /// The number of bits in which it differs from the checked hash.
        public var distance: Int
        /// Every origin whose assertion about it stands, as in a verdict.
        public var origins: [Origin]

        /// The JSON form of a match.
        public init(_ match: ImageMatch) {
            digest = match.hash.hex
            distance = match.distance
            origins = match.origins.map { Origin($0, revoked: match.revokedOrigins[$0.origin]) }
        }
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
}
