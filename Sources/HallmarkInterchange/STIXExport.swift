import Crypto
import Foundation
import HallmarkCore
import HallmarkRecords

/// A STIX 2.1 bundle of a member's indicators (`Protocol/stix.md`): an `identity` per member, an `indicator` per
/// origin's assertion (its digest in a pattern over the custom observable `x-hallmark-indicator`), retractions as
/// revoked indicators, disputes as `opinion`s. Ids are UUIDv5 of what they describe, so exporting twice gives the
/// same ids.
public enum STIXExport {
    /// The namespace of every id this export makes (a random UUID chosen once for Hallmark).
    static let namespace: [UInt8] = [
        0x5c, 0x0e, 0x8f, 0x3a, 0x91, 0x4b, 0x4d, 0x6e, 0xa2, 0x17, 0x3e, 0xc4, 0x58, 0x0b, 0x9f, 0xd1,
    ]
    /// The custom observable type whose properties the patterns name.
    public static let observableType = "x-hallmark-indicator"

    /// The bundle's JSON (keys sorted, so that the same assertions give the same bytes).
    /// - Parameters:
    ///   - assertions: What to export, from `Member.exportAssertions(kinds:since:)`.
    ///   - includeValues: Whether to add this member's own raw values (`value` in the extension); never others'.
    ///   - allianceKeyID: The alliance key the digests are made with, named in each keyed indicator's extension
    ///     so that an importer under another key knows they cannot match.
    public static func bundle(
        of assertions: [IndicatorAssertion],
        includeValues: Bool,
        allianceKeyID: String
    ) throws -> Data {
        var objects: [[String: Any]] = []
        var identities: [MemberID: Timestamp] = [:]
        for assertion in assertions {
            let record = assertion.record
            identities[record.origin] = min(identities[record.origin] ?? record.firstSeen, record.firstSeen)
            objects.append(indicator(assertion, includeValues: includeValues, allianceKeyID: allianceKeyID))
            for dispute in record.disputes {
                identities[dispute.disputer] = min(identities[dispute.disputer] ?? dispute.time, dispute.time)
                objects.append(opinion(dispute, of: assertion))
            }
        }
        let members = identities.sorted { $0.key < $1.key }.map { member, since -> [String: Any] in
            [
                "type": "identity",
                "spec_version": "2.1",
                "id": identityID(member),
                "created": since.iso8601,
                "modified": since.iso8601,
                "name": member.rawValue,
                "identity_class": "organization",
            ]
        }
        let all = members + [extensionDefinition] + objects
        let ids = all.compactMap { $0["id"] as? String }.joined(separator: "\n")
        let bundle: [String: Any] = ["type": "bundle", "id": "bundle--" + uuid5("bundle \(ids)"), "objects": all]
        return try JSONSerialization.data(withJSONObject: bundle, options: [.sortedKeys, .prettyPrinted])
    }

    /// The `indicator` object of one origin's assertion.
    static func indicator(_ assertion: IndicatorAssertion, includeValues: Bool, allianceKeyID: String) -> [String: Any]
    {
        let record = assertion.record
        var object: [String: Any] = [
            "type": "indicator",
            "spec_version": "2.1",
            "id": indicatorID(assertion),
            "created": record.firstSeen.iso8601,
            "modified": modified(assertion).iso8601,
            "created_by_ref": identityID(record.origin),
            "name": "\(assertion.kind.name) \(assertion.digest.hex.prefix(16))",
            "indicator_types": ["malicious-activity"],
            "pattern": pattern(assertion),
            "pattern_type": "stix",
            "pattern_version": "2.1",
            "valid_from": record.firstSeen.iso8601,
            "confidence": record.confidence,
            "labels": [record.reason],
            "description": record.note.isEmpty
                ? "\(assertion.kind.name) listed by \(record.origin.rawValue): \(record.reason)" : record.note,
        ]
        var properties: [String: Any] = [
            "extension_type": "property-extension",
            "kind": assertion.kind.name,
            "digest": assertion.digest.hex,
            "reason": record.reason,
            "received_from": record.receivedFrom.rawValue,
        ]
        if !assertion.kind.isSharedUnkeyed { properties["key_id"] = allianceKeyID }
        if !record.note.isEmpty { properties["note"] = record.note }
        if includeValues, let value = assertion.localValue { properties["value"] = value }
        object["extensions"] = [extensionID: properties]
        if let expires = record.expires, expires > record.firstSeen { object["valid_until"] = expires.iso8601 }
        if !record.listed { object["revoked"] = true }
        return object
    }

    /// When an assertion's indicator last changed: its last assertion, or its retraction.
    static func modified(_ assertion: IndicatorAssertion) -> Timestamp {
        max(assertion.record.lastSeen, assertion.record.retractedAt ?? assertion.record.lastSeen)
    }

    /// The `opinion` object of a dispute of an assertion.
    static func opinion(_ dispute: DisputeRecord, of assertion: IndicatorAssertion) -> [String: Any] {
        var opinion: [String: Any] = [
            "type": "opinion",
            "spec_version": "2.1",
            "id": "opinion--" + uuid5("opinion \(dispute.disputer.rawValue) \(indicatorID(assertion))"),
            "created": dispute.time.iso8601,
            "modified": dispute.time.iso8601,
            "created_by_ref": identityID(dispute.disputer),
            "opinion": "disagree",
            "object_refs": [indicatorID(assertion)],
            "labels": [dispute.reason],
        ]
        if !dispute.note.isEmpty { opinion["explanation"] = dispute.note }
        return opinion
    }

    /// The id of Hallmark's property extension, which carries each indicator's kind, digest, reason, hop and (when
    /// asked for) raw value.
    public static let extensionID = "extension-definition--" + uuid5("extension hallmark-indicator v1")

    /// The extension's definition, as STIX 2.1 asks a producer of extended objects to publish it.
    static var extensionDefinition: [String: Any] {
        [
            "type": "extension-definition",
            "spec_version": "2.1",
            "id": extensionID,
            "created": "2026-12-06T00:00:00.000Z",
            "modified": "2026-12-06T00:00:00.000Z",
            "created_by_ref": "identity--" + uuid5("identity hallmark"),
            "name": "Hallmark indicator",
            "description":
                "A Hallmark alliance indicator: its kind, its keyed digest (or PDQ hash), the reason code, the "
                + "member this node received it from, and, for the exporting member's own submissions, the raw value.",
            "schema": "Protocol/stix.md",
            "version": "1.0.0",
            "extension_types": ["property-extension"],
        ]
    }

    /// `[x-hallmark-indicator:kind = 'seller' AND x-hallmark-indicator:digest = '…']`.
    static func pattern(_ assertion: IndicatorAssertion) -> String {
        "[\(observableType):kind = '\(assertion.kind.name)' AND \(observableType):digest = '\(assertion.digest.hex)']"
    }

    static func indicatorID(_ assertion: IndicatorAssertion) -> String {
        "indicator--"
            + uuid5("indicator \(assertion.record.origin.rawValue) \(assertion.kind.name) \(assertion.digest.hex)")
    }

    static func identityID(_ member: MemberID) -> String {
        "identity--" + uuid5("identity \(member.rawValue)")
    }

    /// A name-based UUID (version 5, SHA-1) of `name` in ``namespace``, in its text form.
    static func uuid5(_ name: String) -> String {
        var bytes = Array(Insecure.SHA1.hash(data: namespace + Array(name.utf8)).prefix(16))
        bytes[6] = bytes[6] & 0x0f | 0x50
        bytes[8] = bytes[8] & 0x3f | 0x80
        let hex = bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }
            .joined()
        let groups = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { range in
            String(
                hex[
                    hex.index(
                        hex.startIndex,
                        offsetBy: range.lowerBound
                    )..<hex.index(hex.startIndex, offsetBy: range.upperBound)
                ]
            )
        }
        return groups.joined(separator: "-")
    }
}
