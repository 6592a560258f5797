import HallmarkCore
import HallmarkRecords

/// What this node holds about one origin (``Member/auditOrigin(_:)``): its log size, latest checkpoint and who
/// cosigned it, its certificate and revocation state, its quarantine, and every piece of equivocation evidence.
public struct HeldOrigin: Sendable {
    /// A checkpoint, who showed this node the log it signs, and the members who vouched for it.
    public struct WitnessedCheckpoint: Sendable {
        /// The checkpoint.
        public var checkpoint: Checkpoint
        /// For a checkpoint held, the member its last entry came from; for one offered in evidence, the peer that
        /// offered it; `nil` when unknown.
        public var receivedFrom: MemberID?
        /// When that was.
        public var receivedAt: Timestamp?
        /// The cosignatures of it held, this node's own first.
        public var cosignatures: [StoredCosignature]
    }

    /// Proof that the origin signed two inconsistent checkpoints.
    public struct Equivocation: Sendable {
        /// The evidence as kept: both checkpoints' bytes, the peer, the time.
        public var evidence: EquivocationEvidence
        /// The checkpoint this node held, with its cosigners; `nil` when it held none to show.
        public var held: WitnessedCheckpoint?
        /// The checkpoint the peer offered, with the cosigners that came with it.
        public var offered: WitnessedCheckpoint
    }

    /// The origin's member certificate held here, which verifies its checkpoints.
    public struct OriginCertificate: Sendable {
        /// SHA-256 over its DER, hex.
        public var fingerprint: String
        /// Its serial number, hex bytes separated by colons.
        public var serialNumber: String
        /// When it expires.
        public var notValidAfter: Timestamp
        /// The certificate, PEM.
        public var pem: String
    }

    /// The origin.
    public var origin: MemberID
    /// Entries of its log held here.
    public var logSize: UInt64
    /// Its latest checkpoint held here; `nil` when none is.
    public var latestCheckpoint: WitnessedCheckpoint?
    /// Its certificate; `nil` when this node holds none.
    public var certificate: OriginCertificate?
    /// The revocation of that certificate by the list in force, if any.
    public var revocation: OriginRevocation?
    /// Its quarantine, when its log takes no new entries here until an operator clears it.
    public var quarantine: QuarantinedOrigin?
    /// Its earlier quarantines that an operator cleared, oldest first.
    public var clearedQuarantines: [QuarantineClearance]
    /// Every piece of equivocation evidence about it, oldest first.
    public var equivocations: [Equivocation]
}
