import HallmarkCore

extension EvidenceBundle {
    /// An entry's fields in words (`Protocol/log-format.md` §2.1), so that a reader need not decode its bytes.
    public struct Claim: Codable, Sendable, Equatable {
        /// When the origin made the entry (ISO 8601).
        public var time: String
        /// `assert`, `retract` or `dispute`.
        public var action: String
        /// The indicator kind.
        public var kind: String
        /// The digest (64 hex digits).
        public var digest: String
        /// The alliance key id the digest was made with; empty for `image-pdq`.
        public var keyID: String
        /// Confidence, 0–100.
        public var confidence: Int
        /// The reason code.
        public var reason: String
        /// When the entry stops counting (ISO 8601), or `nil`.
        public var expires: String?
        /// The origin's note.
        public var note: String
        /// For a dispute, the member whose assertion is disputed; else `nil`.
        public var disputedOrigin: String?

        /// The claim an entry makes.
        public init(_ entry: HallmarkCore.Entry) {
            time = entry.time.iso8601
            action = entry.action.name
            kind = entry.kind.name
            digest = entry.digest.hex
            keyID = entry.keyID
            confidence = Int(entry.confidence)
            reason = entry.reason
            expires = entry.expires?.iso8601
            note = entry.note
            disputedOrigin = entry.disputedOrigin?.rawValue
        }

        enum CodingKeys: String, CodingKey {
            case time, action, kind, digest, keyID, confidence, reason, expires, note, disputedOrigin
        }

        /// Decodes a claim, requiring every key (absent values are `null`).
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            time = try container.decode(String.self, forKey: .time)
            action = try container.decode(String.self, forKey: .action)
            kind = try container.decode(String.self, forKey: .kind)
            digest = try container.decode(String.self, forKey: .digest)
            keyID = try container.decode(String.self, forKey: .keyID)
            confidence = try container.decode(Int.self, forKey: .confidence)
            reason = try container.decode(String.self, forKey: .reason)
            expires = try container.decode(String?.self, forKey: .expires)
            note = try container.decode(String.self, forKey: .note)
            disputedOrigin = try container.decode(String?.self, forKey: .disputedOrigin)
        }

        /// Encodes a claim, writing `null` for absent values.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(time, forKey: .time)
            try container.encode(action, forKey: .action)
            try container.encode(kind, forKey: .kind)
            try container.encode(digest, forKey: .digest)
            try container.encode(keyID, forKey: .keyID)
            try container.encode(confidence, forKey: .confidence)
            try container.encode(reason, forKey: .reason)
            try container.encode(expires, forKey: .expires)
            try container.encode(note, forKey: .note)
            try container.encode(disputedOrigin, forKey: .disputedOrigin)
        }

        /// The fields in which this claim differs from `other`, by name.
        func differences(from other: Claim) -> [String] {
            var names: [String] = []
            if time != other.time { names.append("time") }
            if action != other.action { names.append("action") }
            if kind != other.kind { names.append("kind") }
            if digest != other.digest { names.append("digest") }
            if keyID != other.keyID { names.append("keyID") }
            if confidence != other.confidence { names.append("confidence") }
            if reason != other.reason { names.append("reason") }
            if expires != other.expires { names.append("expires") }
            if Array(note.utf8) != Array(other.note.utf8) { names.append("note") }  // byte for byte, never normalized
            if disputedOrigin != other.disputedOrigin { names.append("disputedOrigin") }
            return names
        }
    }
}
