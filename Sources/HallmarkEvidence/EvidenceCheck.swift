/// One check of an evidence bundle and its result.
public struct EvidenceCheck: Sendable, Equatable {
    /// What a check found.
    public enum Outcome: String, Sendable, Equatable {
        /// The check passed.
        case passed
        /// The check failed: the bundle is invalid.
        case failed
        /// The check could not be made because one it depends on failed: the bundle is invalid.
        case notChecked = "not-checked"
    }

    /// The check's name, one of the constants of this type (`Protocol/evidence.md` §4 lists them).
    public var name: String
    /// What was checked: `bundle`, or an entry as `origin#index`.
    public var item: String
    /// The result.
    public var outcome: Outcome
    /// What was found, in words: why it passed, or exactly what is wrong.
    public var detail: String

    /// Creates a check result.
    public init(name: String, item: String, outcome: Outcome, detail: String) {
        self.name = name
        self.item = item
        self.outcome = outcome
        self.detail = detail
    }

    /// The bundle names the alliance CA it is checked with.
    public static let allianceCA = "alliance-ca"
    /// The revocation list in the bundle is signed by the alliance CA.
    public static let revocationList = "revocation-list"
    /// The producer's certificate was issued by the alliance CA and was valid and not revoked when it made the bundle.
    public static let producerCertificate = "producer-certificate"
    /// The bundle's subject is a valid kind and digest, and the bundle holds entries.
    public static let subject = "subject"
    /// The entry's bytes are a canonical entry with the origin and index the bundle gives.
    public static let entryBytes = "entry-bytes"
    /// The entry's bytes say what the bundle's claim says, about the bundle's subject.
    public static let claim = "claim"
    /// The checkpoint is a canonical checkpoint of the entry's origin, with the fields the bundle spells out.
    public static let checkpoint = "checkpoint"
    /// The origin's certificate was issued by the alliance CA, names the origin, and was valid when it signed.
    public static let originCertificate = "origin-certificate"
    /// The checkpoint's signature verifies with the origin's certificate.
    public static let checkpointSignature = "checkpoint-signature"
    /// The origin's certificate was not revoked before the checkpoint (signed and received).
    public static let revocation = "revocation"
    /// The inclusion proof leads from the entry's bytes to the checkpoint's root, for the checkpoint's tree size.
    public static let inclusionProof = "inclusion-proof"
    /// The producer's signature over every value of the bundle verifies.
    public static let attestation = "attestation"
}
