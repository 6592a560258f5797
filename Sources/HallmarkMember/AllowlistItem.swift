import HallmarkCore

/// An identifier to put on this member's allowlist, with why.
public struct AllowlistItem: Sendable, Equatable {
    /// The identifier, normalized.
    public var identifier: Identifier
    /// Why it is allowlisted (kept locally, like the list itself), possibly empty.
    public var note: String

    /// Creates an item.
    /// - Parameters:
    ///   - identifier: The identifier of an authorized seller or reseller.
    ///   - note: Why it is allowlisted.
    public init(identifier: Identifier, note: String = "") {
        self.identifier = identifier
        self.note = note
    }

    /// The longest note accepted, in UTF-8 bytes.
    public static let maximumNoteBytes = 1024

    /// Checks the note's length.
    /// - Throws: ``HallmarkError`` `invalid-value` naming the identifier when the note is too long.
    public func validate() throws {
        guard note.utf8.count <= Self.maximumNoteBytes else {
            throw HallmarkError(
                .invalidValue,
                "note for \(identifier.kind) '\(identifier.normalized)' is \(note.utf8.count) bytes, "
                    + "the limit is \(Self.maximumNoteBytes)"
            )
        }
    }
}
