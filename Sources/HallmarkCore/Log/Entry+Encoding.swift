import Foundation

extension Entry {
    /// The format version written as an encoded entry's first byte.
    public static let formatVersion: UInt8 = 1

    /// The most bytes a decoder reads as one entry. Version 1 entries are at most 634 bytes;
    /// the margin leaves room for later versions without letting a peer send arbitrarily large ones.
    public static let maxEncodedSize = 1024

    /// The entry's canonical bytes, as `Protocol/log-format.md` lays them out: version, origin, index,
    /// time, action, kind, digest, key id, confidence, reason, expiry, note, disputed origin.
    public func encoded() -> [UInt8] {
        var writer = LogByteWriter(capacity: 160 + note.utf8.count)
        writer.byte(Self.formatVersion)
        writer.shortString(origin.rawValue)
        writer.uint64(index)
        writer.int64(time.millisecondsSince1970)
        writer.byte(action.wireValue)
        writer.shortString(kind.name)
        writer.hash(digest)
        writer.shortString(keyID)
        writer.byte(confidence)
        writer.shortString(reason)
        if let expires {
            writer.byte(1)
            writer.int64(expires.millisecondsSince1970)
        } else {
            writer.byte(0)
        }
        writer.uint16(UInt16(note.utf8.count))
        writer.raw(note.utf8)
        if let disputedOrigin {
            writer.byte(1)
            writer.shortString(disputedOrigin.rawValue)
        } else {
            writer.byte(0)
        }
        return writer.bytes
    }

    /// The entry's leaf hash in its origin's Merkle tree: SHA-256(0x00 ‖ ``encoded()``).
    public var leafHash: Hash256 {
        MerkleHash.leaf(encoded())
    }

    /// Decodes an entry, accepting only the canonical bytes that ``encoded()`` produces.
    ///
    /// Unknown format versions, truncation, trailing bytes, over-long fields, invalid UTF-8, presence
    /// bytes other than 0 and 1, and any field that ``init(origin:index:time:action:kind:digest:keyID:confidence:reason:expires:note:disputedOrigin:)``
    /// would refuse are all rejected. Kinds this node does not know are accepted, so it can relay them.
    /// - Parameter bytes: The encoded entry, at most ``maxEncodedSize`` bytes.
    /// - Throws: ``HallmarkError`` `malformed`, with the field's name as its location.
    public init(decoding bytes: some Collection<UInt8>) throws {
        guard bytes.count <= Self.maxEncodedSize else {
            throw HallmarkError(.malformed, "entry is \(bytes.count) bytes; at most \(Self.maxEncodedSize) are allowed")
        }
        if let entry = try bytes.withContiguousStorageIfAvailable({ try Self.decode($0) }) {
            self = entry
        } else {
            self = try Array(bytes).withUnsafeBufferPointer { try Self.decode($0) }
        }
    }

    private static func decode(_ buffer: UnsafeBufferPointer<UInt8>) throws -> Entry {
        var reader = LogByteReader(buffer, what: "entry")
        let version = try reader.byte("version")
        guard version == formatVersion else {
            throw HallmarkError(
                .malformed,
                "entry format version \(version) is not supported (this node reads version \(formatVersion))",
                location: "version"
            )
        }
        let origin = try memberID(&reader, "origin")
        let index = try reader.uint64("index")
        let time = Timestamp(millisecondsSince1970: try reader.int64("time"))
        let action = try EntryAction(wireValue: try reader.byte("action"))
        let kind = try self.kind(&reader)
        let digest = try reader.hash("digest")
        let keyID = try shortString(&reader, "keyID", maxBytes: maxCodeBytes)
        let confidence = try reader.byte("confidence")
        let reason = try shortString(&reader, "reason", maxBytes: maxCodeBytes)
        let expires =
            try reader.presence("expires") ? Timestamp(millisecondsSince1970: try reader.int64("expires")) : nil
        let noteLength = Int(try reader.uint16("note"))
        guard noteLength <= maxNoteBytes else {
            throw HallmarkError(
                .malformed,
                "note length is \(noteLength) bytes; at most \(maxNoteBytes) are allowed",
                location: "note"
            )
        }
        let noteBytes = try reader.bytes(noteLength, "note")
        // Decoding repairs invalid UTF-8 by substituting U+FFFD, so the text keeps the input's bytes exactly when
        // they were valid. (Cheaper than String(validating:), which goes through generic code.)
        var note = String(decoding: noteBytes, as: UTF8.self)
        guard note.withUTF8({ sameBytes($0, noteBytes) }) else {
            throw HallmarkError(.malformed, "note is not valid UTF-8", location: "note")
        }
        let disputedOrigin = try reader.presence("disputedOrigin") ? try memberID(&reader, "disputedOrigin") : nil
        try reader.finish()

        let entry = Entry(
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
        if let (field, problem) = entry.firstProblem() {
            throw HallmarkError(.malformed, problem, location: field)
        }
        return entry
    }

    /// A length byte and that many bytes of ASCII text. Non-ASCII bytes are refused here; the field's own
    /// rules (character set, emptiness) are checked afterwards with the whole entry.
    private static func shortString(_ reader: inout LogByteReader, _ field: String, maxBytes: Int) throws -> String {
        let length = Int(try reader.byte(field))
        guard length <= maxBytes else {
            throw HallmarkError(
                .malformed,
                "'\(field)' is \(length) bytes long; at most \(maxBytes) are allowed",
                location: field
            )
        }
        let bytes = try reader.bytes(length, field)
        guard bytes.allSatisfy({ $0 < 0x80 }) else {
            throw HallmarkError(.malformed, "'\(field)' holds non-ASCII bytes", location: field)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func memberID(_ reader: inout LogByteReader, _ field: String) throws -> MemberID {
        let text = try shortString(&reader, field, maxBytes: 63)
        do {
            return try MemberID(text)
        } catch let error as HallmarkError {
            throw HallmarkError(.malformed, error.message, location: field)
        }
    }

    private static let knownKindNames = IndicatorKind.known.map { (Array($0.name.utf8), $0) }

    private static func kind(_ reader: inout LogByteReader) throws -> IndicatorKind {
        let length = Int(try reader.byte("kind"))
        let bytes = try reader.bytes(length, "kind")
        // The known kinds without building a string: the common case on the sync path.
        for (name, kind) in knownKindNames where name.withUnsafeBufferPointer({ sameBytes($0, bytes) }) {
            return kind
        }
        do {
            return try IndicatorKind(wireName: String(decoding: bytes, as: UTF8.self))
        } catch let error as HallmarkError {
            throw HallmarkError(.malformed, error.message, location: "kind")
        }
    }

    private static func sameBytes(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        guard let x = a.baseAddress, let y = b.baseAddress else { return true }
        return memcmp(x, y, a.count) == 0
    }
}
