import Foundation

/// A self-contained proof of what the alliance's logs say about one identifier (`Protocol/evidence.md`).
///
/// It holds, for every entry about the identifier's digest, the entry's exact bytes, its leaf index, its inclusion
/// proof, the signed checkpoint it is proved against, the certificate of the member that signed it, and how the
/// entry reached the node that made the bundle; with the alliance CA's fingerprint, the revocation list in force,
/// and that node's signature over what only it can testify to (the ``attestation``). ``EvidenceVerifier`` checks it
/// with nothing but the bundle and the alliance CA certificate.
///
/// Every value is kept as the text the JSON holds (hex, PEM, ISO 8601 times), so that a bad value is named by the
/// check it fails rather than refused as unreadable. Every key is required; an absent value is `null`.
public struct EvidenceBundle: Codable, Sendable, Equatable {
    /// The value of ``format`` this version writes and reads.
    public static let currentFormat = "hallmark-evidence/1"

    /// The bundle format and its version: ``currentFormat``.
    public var format: String
    /// The identifier the bundle is about: its kind and digest (never the raw identifier).
    public var subject: Subject
    /// The node that made the bundle.
    public var producer: Producer
    /// SHA-256 fingerprint of the alliance CA certificate (64 hex digits), as the producer trusts it.
    public var allianceCAFingerprint: String
    /// The alliance's revocation list the producer applied (PEM `X509 CRL`); `nil` when it had none.
    public var revocationList: String?
    /// Every origin with entries in the bundle, with its member certificate.
    public var origins: [Origin]
    /// The entries about the subject, by origin and log index.
    public var entries: [Entry]
    /// The producer's ECDSA P-256 signature (DER, hex) over ``attestedText``.
    public var attestation: String

    /// Creates a bundle from its parts.
    public init(
        subject: Subject,
        producer: Producer,
        allianceCAFingerprint: String,
        revocationList: String?,
        origins: [Origin],
        entries: [Entry],
        attestation: String = ""
    ) {
        self.format = Self.currentFormat
        self.subject = subject
        self.producer = producer
        self.allianceCAFingerprint = allianceCAFingerprint
        self.revocationList = revocationList
        self.origins = origins
        self.entries = entries
        self.attestation = attestation
    }

    enum CodingKeys: String, CodingKey {
        case format, subject, producer, allianceCAFingerprint, revocationList, origins, entries, attestation
    }

    /// Decodes a bundle, requiring every key (an absent revocation list is `null`, not a missing key).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        format = try container.decode(String.self, forKey: .format)
        subject = try container.decode(Subject.self, forKey: .subject)
        producer = try container.decode(Producer.self, forKey: .producer)
        allianceCAFingerprint = try container.decode(String.self, forKey: .allianceCAFingerprint)
        revocationList = try container.decode(String?.self, forKey: .revocationList)
        origins = try container.decode([Origin].self, forKey: .origins)
        entries = try container.decode([Entry].self, forKey: .entries)
        attestation = try container.decode(String.self, forKey: .attestation)
    }

    /// Encodes the bundle, writing `null` for an absent revocation list.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(format, forKey: .format)
        try container.encode(subject, forKey: .subject)
        try container.encode(producer, forKey: .producer)
        try container.encode(allianceCAFingerprint, forKey: .allianceCAFingerprint)
        try container.encode(revocationList, forKey: .revocationList)
        try container.encode(origins, forKey: .origins)
        try container.encode(entries, forKey: .entries)
        try container.encode(attestation, forKey: .attestation)
    }
}
