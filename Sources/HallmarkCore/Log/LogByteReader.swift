/// Reads Hallmark's log formats from contiguous bytes, failing with `malformed` errors that name the field.
///
/// Only valid inside the closure that lends the buffer.
struct LogByteReader {
    private let buffer: UnsafeBufferPointer<UInt8>
    private var position = 0
    /// What is being decoded, such as `entry`, for error messages.
    private let what: String

    init(_ buffer: UnsafeBufferPointer<UInt8>, what: String) {
        self.buffer = buffer
        self.what = what
    }

    private func truncated(_ field: String) -> HallmarkError {
        HallmarkError(
            .malformed,
            "\(what) ends inside field '\(field)' (\(buffer.count) bytes in all)",
            location: field
        )
    }

    mutating func byte(_ field: String) throws -> UInt8 {
        guard position < buffer.count else { throw truncated(field) }
        defer { position += 1 }
        return buffer[position]
    }

    mutating func uint16(_ field: String) throws -> UInt16 {
        guard buffer.count - position >= 2 else { throw truncated(field) }
        defer { position += 2 }
        return UInt16(buffer[position]) << 8 | UInt16(buffer[position + 1])
    }

    mutating func uint64(_ field: String) throws -> UInt64 {
        guard buffer.count - position >= 8 else { throw truncated(field) }
        var value: UInt64 = 0
        for i in position..<position + 8 {
            value = value << 8 | UInt64(buffer[i])
        }
        position += 8
        return value
    }

    mutating func int64(_ field: String) throws -> Int64 {
        Int64(bitPattern: try uint64(field))
    }

    mutating func hash(_ field: String) throws -> Hash256 {
        guard buffer.count - position >= 32 else { throw truncated(field) }
        return Hash256(w0: try uint64(field), w1: try uint64(field), w2: try uint64(field), w3: try uint64(field))
    }

    /// The next `count` bytes, still borrowed from the buffer.
    mutating func bytes(_ count: Int, _ field: String) throws -> UnsafeBufferPointer<UInt8> {
        guard buffer.count - position >= count else { throw truncated(field) }
        defer { position += count }
        return UnsafeBufferPointer(rebasing: buffer[position..<position + count])
    }

    /// A presence byte: 0 for absent, 1 for present, anything else refused as non-canonical.
    mutating func presence(_ field: String) throws -> Bool {
        switch try byte(field) {
        case 0: return false
        case 1: return true
        case let other:
            throw HallmarkError(
                .malformed,
                "presence byte of '\(field)' is \(other); only 0 (absent) or 1 (present) is allowed",
                location: field
            )
        }
    }

    /// Refuses bytes left over after the last field.
    func finish() throws {
        guard position == buffer.count else {
            throw HallmarkError(.malformed, "\(buffer.count - position) unexpected bytes after the end of the \(what)")
        }
    }
}
