import HallmarkCore
import HallmarkRecords
import HallmarkStore

/// Every entry about one identifier, each with the proof that its origin signed it into its log.
public struct AuditReport: Sendable {
    /// The identifier audited.
    public var identifier: Identifier
    /// Its digest.
    public var digest: Hash256
    /// The raw value, when this member submitted it (kept locally, never shared).
    public var localValue: String?
    /// The entries, by origin and log index.
    public var entries: [AuditedEntry]
    /// The origins of ``entries`` whose certificate is on the revocation list in force: their entries stay auditable
    /// and are marked with this.
    public var revokedOrigins: [MemberID: OriginRevocation] = [:]

    /// Whether every entry's inclusion proof and checkpoint signature verify.
    public var allVerified: Bool { entries.allSatisfy(\.isVerified) }
}

/// One entry of an ``AuditReport`` and what was verified about it.
public struct AuditedEntry: Sendable {
    /// The entry as stored, with its exact bytes and how it arrived.
    public var stored: StoredEntry
    /// The origin's checkpoint the entry was proved against (its latest).
    public var checkpoint: Checkpoint?
    /// `nil` when the entry's inclusion proof verifies against the checkpoint's root; otherwise why not.
    public var inclusionProblem: String?
    /// `nil` when the checkpoint's signature verifies with the origin's alliance-issued certificate; otherwise why not.
    public var signatureProblem: String?

    /// Whether both the inclusion proof and the signature verify.
    public var isVerified: Bool { checkpoint != nil && inclusionProblem == nil && signatureProblem == nil }
}
