import HallmarkCore
import HallmarkRecords
import HallmarkStore

/// The answer to "is this identifier known-bad, and who says so?".
public struct Verdict: Sendable {
    /// Whether the identifier is listed.
    public enum Status: String, Sendable {
        /// At least one member's assertion stands (and counts: see ``OriginRevocation/counts(_:)``).
        case listed
        /// No member's assertion stands.
        case notListed = "not_listed"
        /// On this member's own allowlist: not to be blocked, whoever lists it (``Verdict/origins`` still shows who).
        case allowlisted
    }

    /// The identifier asked about, when it was given raw (not as a digest).
    public var identifier: Identifier?
    /// The identifier's kind.
    public var kind: IndicatorKind
    /// The digest looked up.
    public var digest: Hash256
    /// The answer.
    public var status: Status
    /// Every origin whose assertion stands, with confidence, reason, first/last seen, expiry, disputes and the hop it came by.
    public var origins: [AssertionRecord]
    /// Whether the Bloom filter said "maybe" but the exact index found nothing in force (a false positive, or a lapsed listing).
    public var filterFalsePositive: Bool
    /// The origins among ``origins`` whose certificate is on the revocation list in force.
    public var revokedOrigins: [MemberID: OriginRevocation] = [:]
    /// For `image-pdq`: every listed hash within the distance the check allowed (the checked hash itself among them
    /// when it is listed), nearest first, each with who lists it. Empty for other kinds.
    public var imageMatches: [ImageMatch] = []

    /// Whether ``status`` is ``Status/listed``.
    public var isListed: Bool { status == .listed }
}

/// A listed PDQ hash found near the one checked.
public struct ImageMatch: Sendable {
    /// The listed hash (the digest it is shared as).
    public var hash: Hash256
    /// How many of its 256 bits differ from the checked hash's.
    public var distance: Int
    /// Every origin whose assertion about it stands, as in ``Verdict/origins``.
    public var origins: [AssertionRecord]
    /// The origins among ``origins`` whose certificate is on the revocation list in force.
    public var revokedOrigins: [MemberID: OriginRevocation]
    /// Whether an assertion about it counts (see ``OriginRevocation/counts(_:)``), so that it makes the check listed.
    public var counts: Bool
}
