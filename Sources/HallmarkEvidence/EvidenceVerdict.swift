/// The result of checking an evidence bundle: every check made, in order, and what they add up to.
public struct EvidenceVerdict: Sendable {
    /// The bundle checked.
    public var bundle: EvidenceBundle
    /// The alliance's name, from the CA certificate it was checked with.
    public var allianceName: String
    /// Every check, bundle-wide ones first, then each entry's, the producer's attestation last.
    public var checks: [EvidenceCheck]

    /// Creates a verdict.
    public init(bundle: EvidenceBundle, allianceName: String, checks: [EvidenceCheck]) {
        self.bundle = bundle
        self.allianceName = allianceName
        self.checks = checks
    }

    /// Whether every check passed.
    public var isValid: Bool { checks.allSatisfy { $0.outcome == .passed } }

    /// The first check that failed, if any: the reason the bundle is invalid.
    public var firstFailure: EvidenceCheck? { checks.first { $0.outcome == .failed } }
}
