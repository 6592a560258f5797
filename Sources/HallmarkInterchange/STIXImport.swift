import Foundation
import HallmarkCore
import HallmarkMember

/// The submissions a STIX 2.1 bundle holds (`Protocol/stix.md`, "Import"): Hallmark's own bundles and plain STIX
/// indicators whose patterns name a kind Hallmark knows. What cannot be read as one of them is reported, never
/// guessed at.
public struct STIXImport: Sendable {
    /// An indicator left out, and why.
    public struct Skipped: Sendable, Equatable, Codable {
        /// The indicator's STIX id.
        public var id: String
        /// Its pattern.
        public var pattern: String
        /// Why it was not imported.
        public var reason: String
    }

    /// One submission per indicator imported, in the bundle's order.
    public var submissions: [Submission] = []
    /// Indicator objects in the bundle.
    public var indicators = 0
    /// Indicators the bundle marks revoked (retracted by their origin): not imported.
    public var revoked = 0
    /// Indicators whose `valid_until` has passed: not imported.
    public var expired = 0
    /// Indicators that repeat another of the bundle (several origins of one identifier): the latest modified kept.
    public var merged = 0
    /// Earlier versions of an indicator (the same id, modified before another in the bundle): only the latest read.
    public var superseded = 0
    /// `opinion` objects (disputes): not imported; a member disputes with `hallmark dispute`.
    public var opinions = 0
    /// Indicators whose pattern this node cannot read, or whose digest is of another alliance key.
    public var unsupported: [Skipped] = []

    /// The largest bundle read: it is parsed whole.
    public static let maximumBytes = 512 << 20

    /// Reads a bundle.
    /// - Parameters:
    ///   - data: The bundle's JSON.
    ///   - allianceKeyID: The id of this member's alliance key: a Hallmark digest made under another key cannot
    ///     match anything here.
    ///   - now: What `valid_until` is compared with.
    ///   - source: The file's name, for errors.
    /// - Throws: ``HallmarkError`` `invalid-value` naming the file and the object when the bundle is not valid STIX
    ///   (not JSON, no `objects`, an indicator without `id`, `modified` or `pattern`, a confidence outside 0–100, a
    ///   bad time).
    public init(reading data: Data, allianceKeyID: String, now: Timestamp, source: String) throws {
        guard data.count <= Self.maximumBytes else {
            throw HallmarkError(
                .invalidValue,
                "the bundle is \(data.count) bytes; at most \(Self.maximumBytes) are read",
                location: source
            )
        }
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw HallmarkError(.invalidValue, "not JSON: \(error.localizedDescription)", location: source)
        }
        guard let bundle = parsed as? [String: Any], bundle["type"] as? String == "bundle",
            let objects = bundle["objects"] as? [Any]
        else {
            throw HallmarkError(
                .invalidValue,
                "not a STIX bundle: expected an object with \"type\": \"bundle\" and an \"objects\" array",
                location: source
            )
        }
        // Versions of one STIX object share its id, and the one modified last is the object: keep only it, so that
        // a later version's `revoked` or `valid_until` decides.
        var versions: [String: (object: [String: Any], location: String, modified: Timestamp)] = [:]
        var ids: [String] = []
        for (position, element) in objects.enumerated() {
            guard let object = element as? [String: Any] else {
                throw HallmarkError(.invalidValue, "not a JSON object", location: "\(source): objects[\(position)]")
            }
            switch object["type"] as? String {
            case "indicator":
                indicators += 1
                let location = "\(source): objects[\(position)]" + ((object["id"] as? String).map { " (\($0))" } ?? "")
                guard let id = object["id"] as? String, id.hasPrefix("indicator--") else {
                    throw HallmarkError(
                        .invalidValue,
                        "an indicator needs an \"id\" of the form indicator--UUID",
                        location: location
                    )
                }
                guard let modifiedField = object["modified"] else {
                    throw HallmarkError(.invalidValue, "an indicator needs a \"modified\" time", location: location)
                }
                let modified = try STIXTimestamp.parse(modifiedField, field: "modified", at: location)
                if let earlier = versions[id] {
                    superseded += 1
                    guard modified > earlier.modified else { continue }
                } else {
                    ids.append(id)
                }
                versions[id] = (object, location, modified)
            case "opinion": opinions += 1
            default: continue
            }
        }
        // Where each subject was first planned, and when its indicator was modified, to keep the latest of repeats.
        var planned: [Submission.Subject: (position: Int, modified: Timestamp)] = [:]
        for id in ids {
            guard let (object, location, modified) = versions[id] else { continue }
            switch try Self.indicator(object, id: id, allianceKeyID: allianceKeyID, now: now, at: location) {
            case .revoked: revoked += 1
            case .expired: expired += 1
            case .unsupported(let skipped): unsupported.append(skipped)
            case .submission(let submission):
                if let earlier = planned[submission.subject] {
                    merged += 1
                    guard modified > earlier.modified else { continue }
                    submissions[earlier.position] = submission
                    planned[submission.subject] = (earlier.position, modified)
                } else {
                    planned[submission.subject] = (submissions.count, modified)
                    submissions.append(submission)
                }
            }
        }
    }

    private enum Indicator {
        case submission(Submission)
        case revoked, expired
        case unsupported(Skipped)
    }

    private static func indicator(
        _ object: [String: Any],
        id: String,
        allianceKeyID: String,
        now: Timestamp,
        at location: String
    ) throws -> Indicator {
        guard let pattern = object["pattern"] as? String else {
            throw HallmarkError(.invalidValue, "an indicator needs a \"pattern\"", location: location)
        }
        if object["revoked"] as? Bool == true { return .revoked }
        let patternType = object["pattern_type"] as? String ?? "stix"
        guard patternType == "stix" else {
            return .unsupported(
                Skipped(id: id, pattern: pattern, reason: "pattern_type '\(patternType)': only STIX patterns are read")
            )
        }
        var expires: Timestamp?
        if let validUntil = object["valid_until"] {
            let until = try STIXTimestamp.parse(validUntil, field: "valid_until", at: location)
            guard until > now else { return .expired }
            expires = until
        }
        let subject: Submission.Subject
        do {
            subject = try Self.subject(of: try STIXPattern(parsing: pattern))
        } catch {
            return .unsupported(Skipped(id: id, pattern: pattern, reason: error.reason))
        }
        let hallmark = (object["extensions"] as? [String: Any])?[STIXExport.extensionID] as? [String: Any]
        if case .digest(let kind, _) = subject, !kind.isSharedUnkeyed, let keyID = hallmark?["key_id"] as? String,
            keyID != allianceKeyID
        {
            return .unsupported(
                Skipped(
                    id: id,
                    pattern: pattern,
                    reason:
                        "its digest is under alliance key \(keyID), this node's is \(allianceKeyID): it cannot match"
                )
            )
        }
        var confidence: Int?
        if let given = object["confidence"] {
            guard let number = given as? NSNumber, let whole = Int(exactly: number.doubleValue),
                (0...100).contains(whole)
            else {
                throw HallmarkError(
                    .invalidValue,
                    "confidence must be a whole number from 0 to 100",
                    location: location
                )
            }
            confidence = whole
        }
        let reason = (hallmark?["reason"] as? String).flatMap { $0.isEmpty ? nil : $0 } ?? Submission.defaultReason
        let submission = Submission(
            subject: subject,
            confidence: confidence ?? Submission.defaultConfidence,
            reason: reason,
            expires: expires,
            note: hallmark?["note"] as? String ?? ""
        )
        do {
            try submission.validate()
        } catch let error as HallmarkError {
            throw HallmarkError(
                error.code,
                error.message,
                location: location + (error.location.map { ": \($0)" } ?? "")
            )
        }
        return .submission(submission)
    }

    /// What a pattern names, in Hallmark's terms.
    private static func subject(of pattern: STIXPattern) throws(STIXPattern.Unsupported) -> Submission.Subject {
        let types = Set(pattern.comparisons.map(\.objectType))
        guard types.count == 1, let type = types.first else {
            throw STIXPattern.Unsupported(
                reason: "it compares several object types (\(types.sorted().joined(separator: ", ")))"
            )
        }
        let supported: [String: Set<String>] = [
            STIXExport.observableType: ["kind", "digest", "value"],
            "url": ["value"],
            "user-account": ["account_login", "account_type"],
            "file": ["hashes.pdq"],
        ]
        guard let properties = supported[type] else {
            throw STIXPattern.Unsupported(
                reason: "it names \(type); Hallmark reads \(STIXExport.observableType), url:value, "
                    + "user-account:account_login (a seller) and file:hashes.PDQ (an image-pdq hash)"
            )
        }
        for comparison in pattern.comparisons where !properties.contains(comparison.path.lowercased()) {
            throw STIXPattern.Unsupported(reason: "\(type):\(comparison.path) is not a property Hallmark reads")
        }
        guard Set(pattern.comparisons.map { $0.path.lowercased() }).count == pattern.comparisons.count else {
            throw STIXPattern.Unsupported(reason: "it compares one property twice")
        }
        func required(_ path: String) throws -> String {
            guard let value = pattern.value(type, path) else {
                throw STIXPattern.Unsupported(reason: "\(type) needs \(path)")
            }
            return value
        }
        do {
            switch type {
            case "url":
                return .identifier(try Identifier(kind: .url, value: try required("value")))
            case "file":
                return .identifier(try Identifier(kind: .imagePDQ, value: try required("hashes.PDQ")))
            case "user-account":
                let login = try required("account_login")
                // The marketplace is the account type when given; otherwise the login says it (`shopmart:name`).
                let seller = pattern.value(type, "account_type").map { "\($0):\(login)" } ?? login
                return .identifier(try Identifier(kind: .seller, value: seller))
            default:
                let kindName = try required("kind")
                let kind = try IndicatorKind(parsing: kindName)
                guard kind.isKnown else {
                    throw STIXPattern.Unsupported(reason: "kind '\(kindName)' is not one Hallmark knows")
                }
                switch (pattern.value(type, "digest"), pattern.value(type, "value")) {
                case (let digest?, nil): return .digest(kind, try Hash256(hex: digest))
                case (nil, let value?): return .identifier(try Identifier(kind: kind, value: value))
                default: throw STIXPattern.Unsupported(reason: "\(type) needs exactly one of digest and value")
                }
            }
        } catch let error as HallmarkError {
            throw STIXPattern.Unsupported(reason: error.message)
        } catch let error as STIXPattern.Unsupported {
            throw error
        } catch {
            throw STIXPattern.Unsupported(reason: "\(error)")
        }
    }
}
