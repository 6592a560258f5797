import Foundation
import HallmarkCore
import HallmarkMember
import HallmarkRecords

/// What this node holds about one origin, for `hallmark audit origin MEMBER`: its log size, latest checkpoint and who
/// cosigned it, its certificate and revocation state, its quarantine, and every piece of equivocation evidence.
///
/// Checkpoints come with their exact bytes and cosignatures with their signatures and the cosigners' certificates,
/// so that the JSON form (``APIDocument/makeEncoder(pretty:)``) is itself evidence: anyone holding the alliance CA
/// certificate can check every signature in it. Times are ISO 8601 UTC; bytes base64; hashes lower-case hex.
public struct OriginAudit: Codable, Sendable, Equatable {
    /// A checkpoint, and the members who vouched for it.
    public struct WitnessedCheckpoint: Codable, Sendable, Equatable {
        /// The number of entries it covers.
        public var treeSize: UInt64
        /// Its root hash.
        public var rootHash: String
        /// When the origin signed it.
        public var time: String
        /// Its stored and transferred form (Protocol/log-format.md §4), base64: body and origin's signature.
        public var bytes: String
        /// Who showed this node the log it signs: for a checkpoint held, the member its last entry came from; for one
        /// offered in evidence, the peer that offered it. Absent when unknown.
        public var receivedFrom: String?
        /// When that was.
        public var receivedAt: String?
        /// The cosignatures of it this node holds, its own first.
        public var cosignatures: [WitnessCosignature]
    }

    /// A member's cosignature of a checkpoint (Protocol/log-format.md §5).
    public struct WitnessCosignature: Codable, Sendable, Equatable {
        /// The cosigner.
        public var cosigner: String
        /// When it cosigned.
        public var time: String
        /// The same time in seconds since 1970, as signed.
        public var seconds: Int64
        /// The DER ECDSA signature, base64.
        public var signature: String
        /// The cosigner's member certificate (PEM) that verified it.
        public var certificatePem: String
        /// The peer it came from; the cosigner itself when this node made it or had it from the cosigner.
        public var receivedFrom: String
        /// When this node kept it.
        public var receivedAt: String
    }

    /// Proof that the origin signed two inconsistent checkpoints (Protocol/PROTOCOL.md §4.3).
    public struct Equivocation: Codable, Sendable, Equatable {
        /// When this node found it.
        public var detectedAt: String
        /// The peer that offered the checkpoint contradicting the one held.
        public var offeredBy: String
        /// The checkpoint this node held; absent when it held none to show.
        public var held: WitnessedCheckpoint?
        /// The checkpoint the peer offered.
        public var offered: WitnessedCheckpoint
        /// The origin's certificate (PEM) that verified the offered checkpoint.
        public var offeredCertificatePem: String
    }

    /// The origin's member certificate held here, which verifies its checkpoints.
    public struct OriginCertificate: Codable, Sendable, Equatable {
        /// SHA-256 over its DER, hex.
        public var fingerprint: String
        /// Its serial number, hex bytes separated by colons.
        public var serialNumber: String
        /// When it expires.
        public var notValidAfter: String
        /// The certificate, PEM.
        public var pem: String
    }

    /// The origin's member id.
    public var origin: String
    /// Entries of its log held here.
    public var logSize: UInt64
    /// Its latest checkpoint held here, with its cosigners; absent when none is held.
    public var latestCheckpoint: WitnessedCheckpoint?
    /// Its certificate; absent when this node holds none.
    public var certificate: OriginCertificate?
    /// Present when that certificate is on the revocation list in force.
    public var revoked: APIDocument.Revoked?
    /// Present when its log takes no new entries here until an operator clears it.
    public var quarantine: APIDocument.Quarantine?
    /// Every piece of equivocation evidence about it, oldest first.
    public var equivocations: [Equivocation]
    /// Its earlier quarantines that an operator cleared, oldest first; absent when there are none.
    public var clearedQuarantines: [APIDocument.QuarantineClearance]?

    /// The JSON form of what this node holds about an origin.
    public init(_ held: HeldOrigin) {
        origin = held.origin.rawValue
        logSize = held.logSize
        latestCheckpoint = held.latestCheckpoint.map(WitnessedCheckpoint.init)
        certificate = held.certificate.map(OriginCertificate.init)
        revoked = held.revocation.map { APIDocument.Revoked($0) }
        quarantine = held.quarantine.map(APIDocument.Quarantine.init)
        equivocations = held.equivocations.map(Equivocation.init)
        clearedQuarantines =
            held.clearedQuarantines.isEmpty ? nil : held.clearedQuarantines.map(APIDocument.QuarantineClearance.init)
    }
}

extension OriginAudit.WitnessedCheckpoint {
    /// The JSON form of a checkpoint and its cosigners.
    public init(_ witnessed: HeldOrigin.WitnessedCheckpoint) {
        let checkpoint = witnessed.checkpoint
        treeSize = checkpoint.treeSize
        rootHash = checkpoint.rootHash.hex
        time = checkpoint.time.iso8601
        bytes = Data(checkpoint.encoded()).base64EncodedString()
        receivedFrom = witnessed.receivedFrom?.rawValue
        receivedAt = witnessed.receivedAt?.iso8601
        cosignatures = witnessed.cosignatures.map(OriginAudit.WitnessCosignature.init)
    }
}

extension OriginAudit.WitnessCosignature {
    /// The JSON form of a cosignature held.
    public init(_ stored: StoredCosignature) {
        cosigner = stored.cosigner.rawValue
        time = stored.cosignature.time.iso8601
        seconds = stored.cosignature.seconds
        signature = Data(stored.cosignature.signature).base64EncodedString()
        certificatePem = stored.certificatePEM
        receivedFrom = stored.receivedFrom.rawValue
        receivedAt = stored.receivedAt.iso8601
    }
}

extension OriginAudit.Equivocation {
    /// The JSON form of a piece of equivocation evidence.
    public init(_ equivocation: HeldOrigin.Equivocation) {
        detectedAt = equivocation.evidence.detectedAt.iso8601
        offeredBy = equivocation.evidence.peer.rawValue
        held = equivocation.held.map(OriginAudit.WitnessedCheckpoint.init)
        offered = OriginAudit.WitnessedCheckpoint(equivocation.offered)
        offeredCertificatePem = equivocation.evidence.offeredCertificatePEM
    }
}

extension OriginAudit.OriginCertificate {
    /// The JSON form of an origin's certificate.
    public init(_ certificate: HeldOrigin.OriginCertificate) {
        fingerprint = certificate.fingerprint
        serialNumber = certificate.serialNumber
        notValidAfter = certificate.notValidAfter.iso8601
        pem = certificate.pem
    }
}
