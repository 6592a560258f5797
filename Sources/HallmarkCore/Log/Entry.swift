/// One fact in its origin's append-only log: an assertion, retraction or dispute of an indicator digest.
///
/// An entry's identity is its encoding (``encoded()``, documented in `Protocol/log-format.md`): the
/// leaf of the origin's Merkle tree is the hash of those bytes, and nodes store and relay entries as
/// the bytes the origin produced. Every initializer validates, so an `Entry` value is always encodable.
public struct Entry: Hashable, Sendable, CustomStringConvertible {
    /// The member whose log holds the entry, and who made it.
    public let origin: MemberID
    /// The entry's position in its origin's log, counting from 0.
    public let index: UInt64
    /// When the origin made the entry.
    public let time: Timestamp
    /// What the entry does.
    public let action: EntryAction
    /// The kind of indicator, possibly one this node does not know.
    public let kind: IndicatorKind
    /// The indicator's keyed digest, or for `image-pdq` the PDQ hash itself.
    public let digest: Hash256
    /// The id of the alliance key that made ``digest``; empty for kinds shared unkeyed (`image-pdq`).
    public let keyID: String
    /// How sure the origin is, 0–100.
    public let confidence: UInt8
    /// A reason code such as `counterfeit.confirmed`: 1–64 bytes of `[a-z0-9._-]`; may be empty for a retraction.
    public let reason: String
    /// When the entry stops counting, if ever; always after ``time``.
    public let expires: Timestamp?
    /// A short free-text note: at most 280 UTF-8 bytes, no control characters.
    public let note: String
    /// For a dispute, the member whose assertion is contested; `nil` for every other action.
    public let disputedOrigin: MemberID?

    /// The longest note, in UTF-8 bytes.
    public static let maxNoteBytes = 280
    /// The longest reason code or key id, in bytes.
    public static let maxCodeBytes = 64

    /// Creates an entry after checking every field.
    /// - Parameters:
    ///   - origin: The member whose log holds the entry.
    ///   - index: The entry's position in that log, from 0; below ``Checkpoint/maximumTreeSize``.
    ///   - time: When the entry was made, within ``Timestamp/protocolRange``.
    ///   - action: Assert, retract or dispute.
    ///   - kind: The indicator kind.
    ///   - digest: The keyed digest, or the PDQ hash for `image-pdq`.
    ///   - keyID: The alliance key id that made the digest (1–64 bytes of `[a-z0-9._-]`); empty for `image-pdq`.
    ///     For kinds this node does not know, either form is accepted.
    ///   - confidence: 0–100.
    ///   - reason: A reason code, 1–64 bytes of `[a-z0-9._-]`; required unless `action` is `retract`.
    ///   - expires: An optional expiry, after `time` and within ``Timestamp/protocolRange``.
    ///   - note: At most 280 UTF-8 bytes without C0 or C1 control characters or DEL. Kept byte for byte.
    ///   - disputedOrigin: The member whose assertion a dispute contests (not `origin`): required for
    ///     `dispute`, forbidden otherwise.
    /// - Throws: ``HallmarkError`` `invalid-value`, with the field's name as its location.
    public init(
        origin: MemberID,
        index: UInt64,
        time: Timestamp,
        action: EntryAction,
        kind: IndicatorKind,
        digest: Hash256,
        keyID: String,
        confidence: UInt8,
        reason: String,
        expires: Timestamp? = nil,
        note: String = "",
        disputedOrigin: MemberID? = nil
    ) throws {
        self.init(
            unchecked: origin,
            index,
            time,
            action,
            kind,
            digest,
            keyID,
            confidence,
            reason,
            expires,
            note,
            disputedOrigin
        )
        if let (field, problem) = firstProblem() {
            throw HallmarkError(.invalidValue, problem, location: field)
        }
    }

    init(
        unchecked origin: MemberID,
        _ index: UInt64,
        _ time: Timestamp,
        _ action: EntryAction,
        _ kind: IndicatorKind,
        _ digest: Hash256,
        _ keyID: String,
        _ confidence: UInt8,
        _ reason: String,
        _ expires: Timestamp?,
        _ note: String,
        _ disputedOrigin: MemberID?
    ) {
        self.origin = origin
        self.index = index
        self.time = time
        self.action = action
        self.kind = kind
        self.digest = digest
        self.keyID = keyID
        self.confidence = confidence
        self.reason = reason
        self.expires = expires
        self.note = note
        self.disputedOrigin = disputedOrigin
    }

    /// The first rule the fields break, as the field's name and what is wrong; `nil` when all hold.
    func firstProblem() -> (field: String, problem: String)? {
        let range = "1970-01-01T00:00:00.000Z through 9999-12-31T23:59:59.999Z"
        guard index < Checkpoint.maximumTreeSize else {
            return ("index", "index \(index) is beyond the largest log (\(Checkpoint.maximumTreeSize) entries)")
        }
        guard time.isInProtocolRange else {
            return ("time", "time \(time.millisecondsSince1970) ms is outside \(range)")
        }
        guard confidence <= 100 else {
            return ("confidence", "confidence must be 0 to 100, got \(confidence)")
        }
        if kind.isSharedUnkeyed {
            guard keyID.isEmpty else {
                return ("keyID", "kind '\(kind)' is shared unkeyed, so its key id must be empty, got '\(keyID)'")
            }
        } else if keyID.isEmpty {
            if kind.isKnown {
                return ("keyID", "kind '\(kind)' is a keyed digest, so the alliance key id that made it is required")
            }
        } else if let problem = Self.codeProblem(keyID) {
            return ("keyID", "key id '\(keyID)' \(problem)")
        }
        if reason.isEmpty {
            if action != .retract {
                return ("reason", "a reason code is required for \(action)")
            }
        } else if let problem = Self.codeProblem(reason) {
            return ("reason", "reason code '\(reason)' \(problem)")
        }
        if let expires {
            guard expires.isInProtocolRange else {
                return ("expires", "expiry \(expires.millisecondsSince1970) ms is outside \(range)")
            }
            guard expires > time else {
                return ("expires", "expiry \(expires) is not after the entry's time \(time)")
            }
        }
        if let problem = Self.noteProblem(note) {
            return ("note", problem)
        }
        switch (action, disputedOrigin) {
        case (.dispute, nil):
            return ("disputedOrigin", "a dispute must name the member whose assertion it contests")
        case (.dispute, origin?):
            return ("disputedOrigin", "a member retracts its own assertions rather than disputing them")
        case (.assert, _?), (.retract, _?):
            return ("disputedOrigin", "only a dispute names a disputed member, not \(action)")
        default:
            return nil
        }
    }

    /// What is wrong with a reason code or key id, or `nil`: 1–64 bytes of `[a-z0-9._-]`.
    static func codeProblem(_ text: String) -> String? {
        var text = text
        return text.withUTF8 { bytes in
            guard (1...maxCodeBytes).contains(bytes.count) else {
                return "must be 1 to \(maxCodeBytes) bytes, got \(bytes.count)"
            }
            for byte in bytes {
                let allowed =
                    (byte >= 0x61 && byte <= 0x7a) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2e || byte == 0x5f
                    || byte == 0x2d
                if !allowed { return "may hold only lower-case letters, digits, '.', '_' and '-'" }
            }
            return nil
        }
    }

    /// What is wrong with a note (over ``maxNoteBytes``, or a control character), or `nil`: the rule for an entry's
    /// note, also applied to the notes an operator keeps in the store.
    public static func noteProblem(_ note: String) -> String? {
        var note = note
        return note.withUTF8 { bytes in
            guard bytes.count <= maxNoteBytes else {
                return "note is \(bytes.count) UTF-8 bytes; at most \(maxNoteBytes) are allowed"
            }
            // C0 controls and DEL are single bytes; C1 controls (U+0080–U+009F) are 0xC2 then 0x80–0x9F.
            var previous: UInt8 = 0
            for offset in bytes.indices {
                let byte = bytes[offset]
                if byte < 0x20 || byte == 0x7f {
                    return "note holds a control character at byte \(offset)"
                }
                if previous == 0xc2 && byte <= 0x9f {
                    return "note holds a control character at byte \(offset - 1)"
                }
                previous = byte
            }
            return nil
        }
    }

    public static func == (lhs: Entry, rhs: Entry) -> Bool {
        // Notes compare byte for byte: String's == treats canonically equivalent texts as equal,
        // but their encodings, and so their leaf hashes, differ.
        lhs.origin == rhs.origin && lhs.index == rhs.index && lhs.time == rhs.time && lhs.action == rhs.action
            && lhs.kind == rhs.kind && lhs.digest == rhs.digest && lhs.keyID == rhs.keyID
            && lhs.confidence == rhs.confidence && lhs.reason == rhs.reason && lhs.expires == rhs.expires
            && lhs.note.utf8.elementsEqual(rhs.note.utf8) && lhs.disputedOrigin == rhs.disputedOrigin
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(origin)
        hasher.combine(index)
        hasher.combine(digest)
        hasher.combine(action)
        hasher.combine(time)
        for byte in note.utf8 { hasher.combine(byte) }
    }

    /// `origin#index action kind digest`, one line.
    public var description: String {
        "\(origin)#\(index) \(action) \(kind) \(digest.hex)"
    }
}
