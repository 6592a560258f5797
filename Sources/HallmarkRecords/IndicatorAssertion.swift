import HallmarkCore

/// One origin's current assertion about one indicator, with the indicator: a row of what a member exports.
public struct IndicatorAssertion: Sendable, Equatable {
    /// The indicator's kind.
    public var kind: IndicatorKind
    /// Its digest (keyed, or the PDQ hash for `image-pdq`).
    public var digest: Hash256
    /// The origin's assertion, listed or retracted, with its disputes.
    public var record: AssertionRecord
    /// The raw identifier, only where this member submitted it itself (it keeps its own values, never shares them).
    public var localValue: String?

    /// Creates the value from its fields.
    public init(kind: IndicatorKind, digest: Hash256, record: AssertionRecord, localValue: String?) {
        self.kind = kind
        self.digest = digest
        self.record = record
        self.localValue = localValue
    }
}
