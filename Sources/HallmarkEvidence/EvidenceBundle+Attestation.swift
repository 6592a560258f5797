import Crypto
import Foundation
import HallmarkCore

extension EvidenceBundle {
    /// The first line of ``attestedText``.
    public static let attestationHeader = "hallmark/v1 evidence"

    /// The bytes the producer signs: every value of the bundle but the attestation, so that a change to any of them
    /// (even to what no other check covers, such as the hops) breaks the signature.
    ///
    /// UTF-8 text: the line `hallmark/v1 evidence`, then one line per value in the order of `Protocol/evidence.md`
    /// §3, `NAME SHA256HEX` where the hash is of the value's text (numbers in decimal), or `NAME null` for a null
    /// value; each list is preceded by a line `NAME COUNT`. Each line ends with a line feed.
    public var attestedText: [UInt8] {
        var text = Self.attestationHeader + "\n"
        func line(_ name: String, _ value: String?) {
            text += value.map { "\(name) \(EvidenceText.sha256($0))\n" } ?? "\(name) null\n"
        }
        func count(_ name: String, _ value: Int) { text += "\(name) \(value)\n" }
        line("format", format)
        line("subject.kind", subject.kind)
        line("subject.digest", subject.digest)
        line("producer.member", producer.member)
        line("producer.certificate", producer.certificate)
        line("producer.time", producer.time)
        line("allianceCAFingerprint", allianceCAFingerprint)
        line("revocationList", revocationList)
        count("origins", origins.count)
        for origin in origins {
            line("origin.member", origin.member)
            line("origin.certificate", origin.certificate)
        }
        count("entries", entries.count)
        for entry in entries {
            line("entry.origin", entry.origin)
            line("entry.index", String(entry.index))
            line("entry.bytes", entry.bytes)
            let claim = entry.claim
            line("claim.time", claim.time)
            line("claim.action", claim.action)
            line("claim.kind", claim.kind)
            line("claim.digest", claim.digest)
            line("claim.keyID", claim.keyID)
            line("claim.confidence", String(claim.confidence))
            line("claim.reason", claim.reason)
            line("claim.expires", claim.expires)
            line("claim.note", claim.note)
            line("claim.disputedOrigin", claim.disputedOrigin)
            let checkpoint = entry.checkpoint
            line("checkpoint.encoded", checkpoint.encoded)
            line("checkpoint.treeSize", String(checkpoint.treeSize))
            line("checkpoint.rootHash", checkpoint.rootHash)
            line("checkpoint.signedAt", checkpoint.signedAt)
            line("checkpoint.receivedAt", checkpoint.receivedAt)
            line("inclusionProof.treeSize", String(entry.inclusionProof.treeSize))
            count("inclusionProof.path", entry.inclusionProof.path.count)
            for hash in entry.inclusionProof.path { line("path", hash) }
            count("hops", entry.hops.count)
            for hop in entry.hops {
                line("hop.from", hop.from)
                line("hop.to", hop.to)
                line("hop.at", hop.at)
            }
        }
        return Array(text.utf8)
    }

    /// Signs the bundle: sets ``attestation`` to the producer's signature over ``attestedText``.
    /// - Parameter key: The producer's member key, whose certificate is ``Producer/certificate``.
    /// - Throws: The signing error.
    public mutating func attest(using key: P256.Signing.PrivateKey) throws {
        attestation = EvidenceText.hex(try key.signature(for: attestedText).derRepresentation)
    }
}

extension EvidenceBundle {
    /// Lower-case hex of `bytes`, as a bundle writes every byte string.
    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        EvidenceText.hex(bytes)
    }
}
