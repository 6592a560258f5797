import Foundation
import HallmarkCore
import SwiftASN1
import X509

/// The DER form of a Hallmark revocation list: an RFC 5280 version 2 CRL (section 5) signed with ECDSA P-256 and
/// SHA-256, whose entries carry the member they belong to (`Protocol/revocation.md`).
///
/// swift-certificates reads and writes certificates but not revocation lists, so the list is written and read here
/// with SwiftASN1. Parsing is strict: anything Hallmark would not write is refused, except unknown non-critical
/// extensions, which RFC 5280 says to ignore.
struct RevocationListContents {
    /// The CA that issued the list.
    var issuer: DistinguishedName
    /// The key identifier of the CA key that signed the list, when the list names it.
    var authorityKeyIdentifier: ArraySlice<UInt8>?
    /// The CRL number: grows by one with every list the CA signs.
    var number: UInt64
    /// `thisUpdate`.
    var issued: Date
    /// `nextUpdate`.
    var nextUpdate: Date
    /// The entries, in the order they are written.
    var revocations: [Revocation]

    /// The parts of a signed list, as read from its bytes.
    struct Parsed {
        /// What the list says.
        var contents: RevocationListContents
        /// The signed bytes: the DER `TBSCertList`.
        var signedBytes: ArraySlice<UInt8>
        /// The DER ECDSA signature (`ECDSA-Sig-Value`).
        var signature: ArraySlice<UInt8>
    }

    /// `2.25.148429642776466031176883874098995102829` (a UUID OID, X.667, so no registration is needed): the
    /// non-critical entry extension that names the member, `SEQUENCE { memberID UTF8String,
    /// certificateSHA256 OCTET STRING (SIZE (32)) OPTIONAL }`. As the DER of the OID itself, because SwiftASN1's
    /// object identifiers cannot hold a 128-bit arc.
    static let memberExtensionOID: [UInt8] = [
        0x06, 0x14, 0x69, 0x81, 0xdf, 0xaa, 0xc1, 0x99, 0xb9, 0xbe, 0x82, 0x81, 0x8f, 0x9d, 0xce, 0xee, 0x9d, 0xd3,
        0xe7,
        0x96, 0x88, 0x6d,
    ]
    private static let reasonCodeOID = encoded([2, 5, 29, 21])
    private static let crlNumberOID = encoded([2, 5, 29, 20])
    private static let authorityKeyIdentifierOID = encoded(.X509ExtensionID.authorityKeyIdentifier)
    private static let ecdsaWithSHA256: ASN1ObjectIdentifier = [1, 2, 840, 10045, 4, 3, 2]

    // MARK: Writing

    /// The DER `TBSCertList`: the bytes the CA signs.
    func signedBytes() throws -> [UInt8] {
        var coder = DER.Serializer()
        try coder.appendConstructedNode(identifier: .sequence) { coder in
            try coder.serialize(1)  // v2: the list has extensions
            try Self.serializeAlgorithm(into: &coder)
            try coder.serialize(issuer)
            try CRLTime.serialize(issued, into: &coder)
            try CRLTime.serialize(nextUpdate, into: &coder)
            if !revocations.isEmpty {
                try coder.appendConstructedNode(identifier: .sequence) { coder in
                    for revocation in revocations {
                        try Self.serialize(revocation, into: &coder)
                    }
                }
            }
            try coder.serialize(explicitlyTaggedWithTagNumber: 0, tagClass: .contextSpecific) { coder in
                try coder.appendConstructedNode(identifier: .sequence) { coder in
                    if let authorityKeyIdentifier {
                        let value = try Certificate.Extension(
                            AuthorityKeyIdentifier(keyIdentifier: authorityKeyIdentifier),
                            critical: false
                        ).value
                        try Self.serializeExtension(Self.authorityKeyIdentifierOID, value: Array(value), into: &coder)
                    }
                    var number = DER.Serializer()
                    try number.serialize(self.number)
                    try Self.serializeExtension(Self.crlNumberOID, value: number.serializedBytes, into: &coder)
                }
            }
        }
        return coder.serializedBytes
    }

    /// The DER `CertificateList`: the signed bytes, the algorithm and the signature.
    static func signedList(signedBytes: [UInt8], signature: [UInt8]) throws -> [UInt8] {
        var coder = DER.Serializer()
        try coder.appendConstructedNode(identifier: .sequence) { coder in
            coder.serializeRawBytes(signedBytes)
            try serializeAlgorithm(into: &coder)
            try coder.serialize(ASN1BitString(bytes: signature[...]))
        }
        return coder.serializedBytes
    }

    private static func serialize(_ revocation: Revocation, into coder: inout DER.Serializer) throws {
        try coder.appendConstructedNode(identifier: .sequence) { coder in
            try coder.serialize(revocation.serialNumber.bytes)
            try CRLTime.serialize(revocation.time, into: &coder)
            try coder.appendConstructedNode(identifier: .sequence) { coder in
                // RFC 5280 5.3.1: "unspecified" is written by leaving the reason code out.
                if revocation.reason != .unspecified {
                    var reason = DER.Serializer()
                    reason.appendPrimitiveNode(identifier: .enumerated) { $0.append(UInt8(revocation.reason.code)) }
                    try serializeExtension(reasonCodeOID, value: reason.serializedBytes, into: &coder)
                }
                var member = DER.Serializer()
                try member.appendConstructedNode(identifier: .sequence) { coder in
                    try coder.serialize(ASN1UTF8String(revocation.memberID.rawValue))
                    if let fingerprint = revocation.certificateFingerprint {
                        try coder.serialize(ASN1OctetString(contentBytes: fingerprint.bytes[...]))
                    }
                }
                try serializeExtension(memberExtensionOID, value: member.serializedBytes, into: &coder)
            }
        }
    }

    private static func serializeExtension(
        _ oid: [UInt8],
        value: [UInt8],
        into coder: inout DER.Serializer
    ) throws {
        try coder.appendConstructedNode(identifier: .sequence) { coder in
            coder.serializeRawBytes(oid)
            // Every Hallmark extension is non-critical, and DER leaves out the default FALSE.
            try coder.serialize(ASN1OctetString(contentBytes: value[...]))
        }
    }

    private static func serializeAlgorithm(into coder: inout DER.Serializer) throws {
        // RFC 5758 3.2: ecdsa-with-SHA256 has no parameters, not even NULL.
        try coder.appendConstructedNode(identifier: .sequence) { coder in
            try coder.serialize(ecdsaWithSHA256)
        }
    }

    private static func encoded(_ oid: ASN1ObjectIdentifier) -> [UInt8] {
        var coder = DER.Serializer()
        try! coder.serialize(oid)  // A valid object identifier always serializes.
        return coder.serializedBytes
    }

    // MARK: Reading

    /// Reads a DER `CertificateList`, without checking its signature.
    /// - Throws: ``HallmarkError`` `malformed` saying what is wrong.
    static func parse(_ der: [UInt8]) throws -> Parsed {
        do {
            let root = try DER.parse(der)
            return try DER.sequence(root, identifier: .sequence) { nodes in
                guard let listNode = nodes.next(), let algorithmNode = nodes.next() else {
                    throw malformed("it is not a signed list (expected the list, the algorithm and the signature)")
                }
                try checkAlgorithm(algorithmNode)
                let signature = try ASN1BitString(derEncoded: &nodes)
                guard signature.paddingBits == 0 else { throw malformed("the signature is not whole bytes") }
                return Parsed(
                    contents: try parseSignedPart(listNode),
                    signedBytes: listNode.encodedBytes,
                    signature: signature.bytes
                )
            }
        } catch let error as HallmarkError {
            throw error
        } catch {
            throw malformed("it is not a valid DER revocation list: \(error)")
        }
    }

    private static func parseSignedPart(_ node: ASN1Node) throws -> RevocationListContents {
        try DER.sequence(node, identifier: .sequence) { nodes in
            let version = try Int(derEncoded: &nodes)
            guard version == 1 else {
                // The field holds the version minus one, up to Int.max in a hostile list: shown without overflow.
                throw malformed("it is version \(Int128(version) + 1); Hallmark lists are version 2")
            }
            guard let algorithmNode = nodes.next() else { throw malformed("it names no signature algorithm") }
            try checkAlgorithm(algorithmNode)
            guard let issuerNode = nodes.next() else { throw malformed("it names no issuer") }
            let issuer = try DistinguishedName(derEncoded: issuerNode)
            guard let issuedNode = nodes.next() else { throw malformed("it has no issue time (thisUpdate)") }
            let issued = try CRLTime.parse(issuedNode)
            var rest = nodes
            guard let nextUpdateNode = rest.next(),
                [UTCTime.defaultIdentifier, GeneralizedTime.defaultIdentifier].contains(nextUpdateNode.identifier)
            else {
                throw malformed("it has no next-update time; Hallmark lists always say when the next one is due")
            }
            nodes = rest
            let nextUpdate = try CRLTime.parse(nextUpdateNode)
            guard nextUpdate > issued else { throw malformed("its next-update time is not after its issue time") }

            var revocations: [Revocation] = []
            rest = nodes
            if let entriesNode = rest.next(), entriesNode.identifier == .sequence {
                nodes = rest
                guard case .constructed(let entries) = entriesNode.content else {
                    throw malformed("its list of revoked certificates is not a sequence")
                }
                for entry in entries {
                    revocations.append(try parseEntry(entry))
                }
                guard !revocations.isEmpty else {
                    throw malformed("it has an empty list of revoked certificates, which RFC 5280 leaves out")
                }
                var serials = Set<Certificate.SerialNumber>()
                for revocation in revocations where !serials.insert(revocation.serialNumber).inserted {
                    throw malformed("it revokes certificate \(revocation.serialNumber.hexText) twice")
                }
            }

            let extensionsNode = try DER.optionalExplicitlyTagged(&nodes, tagNumber: 0, tagClass: .contextSpecific) {
                $0
            }
            guard let extensionsNode else { throw malformed("it has no extensions, so no list number") }
            var number: UInt64?
            var authorityKeyIdentifier: ArraySlice<UInt8>?
            for item in try parseExtensions(extensionsNode) {
                switch Array(item.oid) {
                case crlNumberOID:
                    let value = try DER.parse(item.value)
                    guard let parsed = try? UInt64(derEncoded: value) else {
                        throw malformed("its list number is negative or larger than 2^64 - 1")
                    }
                    number = parsed
                case authorityKeyIdentifierOID:
                    let parsed = try AuthorityKeyIdentifier(
                        Certificate.Extension(
                            oid: .X509ExtensionID.authorityKeyIdentifier,
                            critical: item.critical,
                            value: item.value
                        )
                    )
                    authorityKeyIdentifier = parsed.keyIdentifier
                default:
                    if item.critical { throw malformed("it has a critical extension Hallmark does not know") }
                }
            }
            guard let number else { throw malformed("it has no list number (CRL number extension)") }
            return RevocationListContents(
                issuer: issuer,
                authorityKeyIdentifier: authorityKeyIdentifier,
                number: number,
                issued: issued,
                nextUpdate: nextUpdate,
                revocations: revocations
            )
        }
    }

    private static func parseEntry(_ node: ASN1Node) throws -> Revocation {
        try DER.sequence(node, identifier: .sequence) { nodes in
            let serialNumber = Certificate.SerialNumber(bytes: try ArraySlice<UInt8>(derEncoded: &nodes))
            guard let timeNode = nodes.next() else {
                throw malformed("the entry for certificate \(serialNumber.hexText) has no revocation time")
            }
            let time = try CRLTime.parse(timeNode)
            guard let extensionsNode = nodes.next() else {
                throw malformed("the entry for certificate \(serialNumber.hexText) names no member")
            }
            var reason = RevocationReason.unspecified
            var member: (id: MemberID, fingerprint: Hash256?)?
            for item in try parseExtensions(extensionsNode) {
                switch Array(item.oid) {
                case reasonCodeOID:
                    let value = try DER.parse(item.value)
                    guard value.identifier == .enumerated, case .primitive(let bytes) = value.content, bytes.count == 1
                    else {
                        throw malformed("the entry for certificate \(serialNumber.hexText) has a bad reason code")
                    }
                    reason = try RevocationReason(code: Int(bytes[bytes.startIndex]))
                case memberExtensionOID:
                    member = try parseMember(item.value, serialNumber: serialNumber)
                default:
                    if item.critical {
                        throw malformed(
                            "the entry for certificate \(serialNumber.hexText) has a critical extension Hallmark does not know"
                        )
                    }
                }
            }
            guard let member else {
                throw malformed("the entry for certificate \(serialNumber.hexText) names no member")
            }
            return Revocation(
                memberID: member.id,
                serialNumber: serialNumber,
                certificateFingerprint: member.fingerprint,
                time: time,
                reason: reason
            )
        }
    }

    private static func parseMember(
        _ value: ArraySlice<UInt8>,
        serialNumber: Certificate.SerialNumber
    ) throws -> (id: MemberID, fingerprint: Hash256?) {
        try DER.sequence(try DER.parse(value), identifier: .sequence) { nodes in
            let text = String(try ASN1UTF8String(derEncoded: &nodes))
            let id: MemberID
            do {
                id = try MemberID(text)
            } catch let error as HallmarkError {
                throw malformed(
                    "the entry for certificate \(serialNumber.hexText) names an invalid member: \(error.message)"
                )
            }
            let octets: ASN1OctetString? = try DER.optionalImplicitlyTagged(&nodes)
            guard let octets else { return (id, nil) }
            guard octets.bytes.count == 32 else {
                throw malformed(
                    "the entry for certificate \(serialNumber.hexText) has a fingerprint that is not 32 bytes"
                )
            }
            return (id, try Hash256(bytes: Array(octets.bytes)))
        }
    }

    /// An extension as read: its OID still encoded, so that OIDs with arcs too large for SwiftASN1 compare too.
    private struct RawExtension {
        var oid: ArraySlice<UInt8>
        var critical: Bool
        var value: ArraySlice<UInt8>
    }

    private static func parseExtensions(_ node: ASN1Node) throws -> [RawExtension] {
        guard node.identifier == .sequence, case .constructed(let items) = node.content else {
            throw malformed("its extensions are not a sequence")
        }
        var seen = Set<ArraySlice<UInt8>>()
        return try items.map { item in
            let parsed = try DER.sequence(item, identifier: .sequence) { nodes in
                guard let oid = nodes.next(), oid.identifier == .objectIdentifier else {
                    throw malformed("an extension has no object identifier")
                }
                let critical = try DER.decodeDefault(&nodes, defaultValue: false)
                let value = try ASN1OctetString(derEncoded: &nodes)
                return RawExtension(oid: oid.encodedBytes, critical: critical, value: value.bytes)
            }
            guard seen.insert(parsed.oid).inserted else { throw malformed("an extension appears twice") }
            return parsed
        }
    }

    private static func checkAlgorithm(_ node: ASN1Node) throws {
        let oid = try DER.sequence(node, identifier: .sequence) { nodes in
            try ASN1ObjectIdentifier(derEncoded: &nodes)
        }
        guard oid == ecdsaWithSHA256 else {
            throw malformed("it is signed with \(oid); Hallmark lists are signed with ecdsa-with-SHA256")
        }
    }

    private static func malformed(_ why: String) -> HallmarkError {
        HallmarkError(.malformed, "not a valid revocation list: \(why)")
    }
}
