import Foundation
import HallmarkCore
import HallmarkRecords

/// A read-only TAXII 2.1 collection of the indicators a node holds (`Protocol/taxii.md`): every kind, or one.
public struct TAXIICollection: Sendable {
    /// The collection's id, a UUID derived from what it holds (the same on every node).
    public var id: String
    public var title: String
    public var description: String
    /// The kinds it holds.
    public var kinds: [IndicatorKind]

    /// The TAXII media type of every answer.
    public static let taxiiMediaType = "application/taxii+json;version=2.1"
    /// The STIX media type of the objects.
    public static let stixMediaType = "application/stix+json;version=2.1"

    /// `indicators` (every kind), then one collection per kind.
    public static let all: [TAXIICollection] =
        [
            TAXIICollection(
                id: STIXExport.uuid5("taxii collection indicators"),
                title: "indicators",
                description: "Every indicator this node holds, of every kind, as STIX 2.1 indicators.",
                kinds: IndicatorKind.known
            )
        ]
        + IndicatorKind.known.map { kind in
            TAXIICollection(
                id: STIXExport.uuid5("taxii collection \(kind.name)"),
                title: "\(kind.name) indicators",
                description: "The \(kind.name) indicators this node holds, as STIX 2.1 indicators.",
                kinds: [kind]
            )
        }

    /// The collection resource.
    public var resource: [String: Any] {
        [
            "id": id, "title": title, "description": description, "can_read": true, "can_write": false,
            "media_types": [Self.stixMediaType],
        ]
    }
}

/// What `objects` and `manifest` are asked for: the query parameters, read.
public struct TAXIIQuery: Sendable {
    /// The most objects a page holds, and how many when `limit` is not given.
    public static let maximumLimit = 10_000
    public static let defaultLimit = 1_000

    public var addedAfter: Timestamp?
    public var limit: Int
    /// Where the previous page ended: its last object's date added and id.
    public var after: (dateAdded: Timestamp, id: String)?
    /// `match[type]`: only objects of these types (`nil`: all).
    public var types: Set<String>?
    /// `match[id]`, or the object of `objects/{id}/`: only these ids (`nil`: all).
    public var ids: Set<String>?

    /// Reads the query parameters, each as its last value.
    /// - Throws: ``HallmarkError`` `invalid-value` naming the parameter.
    public init(parameters: [String: String]) throws {
        addedAfter = try parameters["added_after"].map {
            try STIXTimestamp.parse($0, field: "added_after", at: "added_after")
        }
        if let text = parameters["limit"] {
            guard let limit = Int(text), limit > 0 else {
                throw HallmarkError(
                    .invalidValue,
                    "limit must be a whole number above 0, got '\(text)'",
                    location: "limit"
                )
            }
            self.limit = min(limit, Self.maximumLimit)
        } else {
            limit = Self.defaultLimit
        }
        if let next = parameters["next"] {
            guard let data = TAXIIPage.cursorBytes(next), let text = String(data: data, encoding: .utf8),
                let colon = text.firstIndex(of: ":"), let milliseconds = Int64(text[..<colon])
            else {
                throw HallmarkError(.invalidValue, "next is not a value this server gave", location: "next")
            }
            after = (Timestamp(millisecondsSince1970: milliseconds), String(text[text.index(after: colon)...]))
        }
        types = parameters["match[type]"].map { Set($0.split(separator: ",").map(String.init)) }
        ids = parameters["match[id]"].map { Set($0.split(separator: ",").map(String.init)) }
    }
}

/// One page of a collection's objects, in the order of their date added, then id: exact whatever number of them
/// share a timestamp, since `next` names the last object given, not a time.
public struct TAXIIPage {
    /// The indicators of the page.
    public var objects: [[String: Any]] = []
    /// Their manifest records.
    public var manifest: [[String: Any]] = []
    /// Whether more follow; then `next` asks for them.
    public var more = false
    public var next: String?
    /// The date added of the first and the last object (the `X-TAXII-Date-Added-First`/`-Last` headers).
    public var first: Timestamp?
    public var last: Timestamp?

    /// The page `query` asks for, of `assertions` (a collection's).
    public init(of assertions: [IndicatorAssertion], query: TAXIIQuery, allianceKeyID: String) {
        guard query.types?.contains("indicator") ?? true else { return }
        // When an indicator's current version was stored here: the receipt of its latest entry.
        var items = assertions.map { (dateAdded: $0.record.receivedAt, id: STIXExport.indicatorID($0), assertion: $0) }
        items.sort { ($0.dateAdded, $0.id) < ($1.dateAdded, $1.id) }
        let selected = items.lazy.filter { item in
            if let addedAfter = query.addedAfter, item.dateAdded <= addedAfter { return false }
            if let after = query.after, (item.dateAdded, item.id) <= (after.dateAdded, after.id) { return false }
            if let ids = query.ids, !ids.contains(item.id) { return false }
            return true
        }
        for item in selected {
            guard objects.count < query.limit else {
                more = true
                break
            }
            let indicator = STIXExport.indicator(item.assertion, includeValues: false, allianceKeyID: allianceKeyID)
            objects.append(indicator)
            manifest.append([
                "id": item.id, "date_added": item.dateAdded.iso8601,
                "version": STIXExport.modified(item.assertion).iso8601, "media_type": TAXIICollection.stixMediaType,
            ])
            first = first ?? item.dateAdded
            last = item.dateAdded
        }
        if more, let last, let id = manifest.last?["id"] as? String {
            // base64url without padding: nothing in it for a query string to mangle (`+` read as a space).
            next = Data("\(last.millisecondsSince1970):\(id)".utf8).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
        }
    }

    /// The bytes of a `next` cursor (base64url, unpadded), or `nil` when it is not one.
    static func cursorBytes(_ text: String) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while !base64.utf8.count.isMultiple(of: 4) { base64 += "=" }
        return Data(base64Encoded: base64)
    }
}
