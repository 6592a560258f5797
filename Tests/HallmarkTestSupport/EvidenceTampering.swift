import Foundation
import HallmarkCore
import HallmarkEvidence
import HallmarkMember
import HallmarkPKI
import HallmarkRecords
import HallmarkStore

/// A bundle altered one way, and the check that must name the alteration (`nil`: the bundle must be unreadable).
public struct TamperedBundle: Sendable {
    /// What was done to the bundle, as a file name stem.
    public var name: String
    /// The check that must be the first to fail; `nil` when the bytes must be refused as unreadable.
    public var expectedCheck: String?
    /// The altered bundle file.
    public var data: Data

    /// Pairs an altered bundle with the check that must catch it.
    public init(name: String, expectedCheck: String?, data: Data) {
        self.name = name
        self.expectedCheck = expectedCheck
        self.data = data
    }
}

/// The alterations that the evidence tests show both verifiers catch.
public enum EvidenceTampering {
    /// Alterations of `bundle` (made by `producer`, holding an entry with a smaller index than its checkpoint's
    /// last), each with the check that must catch it. Some are re-signed with the producer's key, as a dishonest
    /// producer would, so that the check named is the one that catches them, not only the attestation.
    public static func cases(of bundle: EvidenceBundle, producer: Member) async throws -> [TamperedBundle] {
        var cases: [TamperedBundle] = []
        func add(
            _ name: String,
            _ expected: String?,
            resign: Bool = false,
            _ change: (inout EvidenceBundle) throws -> Void
        )
            throws
        {
            var copy = bundle
            try change(&copy)
            if resign { try copy.attest(using: producer.identity.signingKey) }
            cases.append(TamperedBundle(name: name, expectedCheck: expected, data: try copy.jsonData()))
        }
        // Entry 0's digest, its first bit flipped: the bytes no longer say what the claim says.
        let entry = try Entry(decoding: try bytes(bundle.entries[0].bytes))
        let digestOffset = 1 + 1 + entry.origin.rawValue.utf8.count + 8 + 8 + 1 + 1 + entry.kind.name.utf8.count
        try add("entry-bit-flipped", "claim") {
            $0.entries[0].bytes = try flip(bit: 0, ofByte: digestOffset, in: $0.entries[0].bytes)
        }
        // The confidence changed in the bytes and the claim alike, re-signed: only the Merkle proof can tell.
        let confidenceOffset = digestOffset + 32 + 1 + entry.keyID.utf8.count
        try add("entry-and-claim-changed-resigned", EvidenceCheck.inclusionProof, resign: true) {
            $0.entries[0].bytes = try flip(bit: 0, ofByte: confidenceOffset, in: $0.entries[0].bytes)
            $0.entries[0].claim.confidence ^= 1
        }
        // A genuine proof of the same leaf, but for the tree one entry smaller than the checkpoint's.
        let record = try require(bundle.entries.first { $0.index + 1 < $0.checkpoint.treeSize })
        let position = bundle.entries.firstIndex(of: record)!
        let origin = try MemberID(record.origin)
        let smaller = record.checkpoint.treeSize - 1
        let tree = MerkleTree(leafHashes: try await producer.store.leafHashes(of: origin, count: smaller))
        let proof = try tree.inclusionProof(forIndex: record.index, treeSize: smaller)
        try add("proof-for-another-tree-size", EvidenceCheck.inclusionProof, resign: true) {
            $0.entries[position].inclusionProof = EvidenceBundle.Proof(treeSize: smaller, path: proof.path.map(\.hex))
        }
        // The checkpoint's last signature byte flipped.
        try add("checkpoint-signature-flipped", EvidenceCheck.checkpointSignature) {
            let encoded = $0.entries[0].checkpoint.encoded
            $0.entries[0].checkpoint.encoded = try flip(bit: 1, ofByte: encoded.utf8.count / 2 - 1, in: encoded)
        }
        // The origin's certificate replaced by one for the same member from another CA, re-signed.
        let other = try AllianceAuthority.create(name: "Another Alliance")
        let foreign = try other.issueMember(id: origin, name: "Impostor", hosts: ["localhost"])
        try add("certificate-from-another-ca", EvidenceCheck.originCertificate, resign: true) {
            let index = $0.origins.firstIndex { $0.member == origin.rawValue }!
            $0.origins[index].certificate = try foreign.certificatePEM()
        }
        // A hop's sender changed by one bit ("brand-b" to "brand-c"): only the producer's signature covers it.
        if let hopped = bundle.entries.firstIndex(where: { !$0.hops.isEmpty }) {
            try add("hop-changed", EvidenceCheck.attestation) {
                var from = Array($0.entries[hopped].hops[0].from.utf8)
                from[from.count - 1] ^= 1
                $0.entries[hopped].hops[0].from = String(decoding: from, as: UTF8.self)
            }
        }
        let json = try bundle.jsonData()
        cases.append(TamperedBundle(name: "truncated", expectedCheck: nil, data: json.prefix(json.count / 2)))
        cases.append(TamperedBundle(name: "not-json", expectedCheck: nil, data: Data("hallmark evidence?\n".utf8)))
        var object = try JSONSerialization.jsonObject(with: json) as! [String: Any]
        object["revocationList"] = nil
        cases.append(
            TamperedBundle(
                name: "key-missing",
                expectedCheck: nil,
                data: try JSONSerialization.data(withJSONObject: object)
            )
        )
        return cases
    }

    /// `bundle`'s JSON with one bit flipped: bit `bit` of byte `offset`.
    public static func flipping(bit: Int, ofByte offset: Int, in json: Data) -> Data {
        var data = json
        data[data.startIndex + offset] ^= UInt8(1 << bit)
        return data
    }

    private static func bytes(_ hex: String) throws -> [UInt8] {
        let utf8 = Array(hex.utf8)
        return try stride(from: 0, to: utf8.count, by: 2).map {
            guard let byte = UInt8(String(decoding: utf8[$0..<$0 + 2], as: UTF8.self), radix: 16) else {
                throw HallmarkError(.malformed, "not hex")
            }
            return byte
        }
    }

    private static func flip(bit: Int, ofByte offset: Int, in hex: String) throws -> String {
        var data = try bytes(hex)
        data[offset] ^= UInt8(1 << bit)
        return EvidenceBundle.hex(data)
    }
}

private func require<T>(_ value: T?) throws -> T {
    guard let value else { throw HallmarkError(.notFound, "the bundle lacks what this alteration needs") }
    return value
}
