import HallmarkCore
import HallmarkRecords

extension APIDocument {
    /// An identifier on this member's allowlist.
    public struct AllowlistEntryBody: Codable, Sendable, Equatable {
        /// The indicator kind.
        public var kind: String
        /// The normalized identifier.
        public var value: String
        /// Its digest, hex.
        public var digest: String
        /// Why it is allowlisted, possibly empty.
        public var note: String
        /// When it was added.
        public var added: String

        /// The JSON form of an allowlist entry.
        public init(_ entry: AllowlistEntry) {
            kind = entry.kind.name
            value = entry.value
            digest = entry.digest.hex
            note = entry.note
            added = entry.added.iso8601
        }
    }
}
