import HallmarkCore

/// One identifier on this member's allowlist: an authorized seller or reseller of its own, kept locally and never
/// shared, so that a check of it answers "allowlisted" whoever lists it.
public struct AllowlistEntry: Sendable, Equatable {
    /// The identifier's kind.
    public var kind: IndicatorKind
    /// The identifier's digest, as a check computes it.
    public var digest: Hash256
    /// The identifier in normalized form.
    public var value: String
    /// Why it is allowlisted, possibly empty.
    public var note: String
    /// When it was added (or its note last changed).
    public var added: Timestamp

    /// Creates an entry.
    /// - Parameters:
    ///   - kind: The identifier's kind.
    ///   - digest: Its digest.
    ///   - value: The normalized identifier.
    ///   - note: Why it is allowlisted.
    ///   - added: When it was added.
    public init(kind: IndicatorKind, digest: Hash256, value: String, note: String, added: Timestamp) {
        self.kind = kind
        self.digest = digest
        self.value = value
        self.note = note
        self.added = added
    }
}
