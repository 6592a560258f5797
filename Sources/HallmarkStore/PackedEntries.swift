import Foundation

/// The stored form of a segment's entries: each entry packed against the one before it, and unpacked to exactly the
/// bytes it was given.
///
/// Consecutive entries of one log repeat most of their fields (origin, kind, key id, reason, note, often time and
/// confidence) and their index is the previous one plus one, so an entry is stored as a bitmap of the fields equal to
/// the previous entry's and the bytes of the others: about 35 bytes for an import's entry (mostly its digest) where
/// its canonical bytes are about 100. Packing splits the bytes by the layout of `Entry.encoded()` without judging
/// them: bytes that do not follow that layout (a damaged or altered entry, which verify-store must still see) are
/// kept whole.
///
/// Form: a format byte (1), then per entry a 2-byte big-endian bitmap and the fields it does not mark. Bit `i` (0–12)
/// marks field `i` of ``layout`` as repeated (for the index: the previous index plus one); an unmarked time after the
/// first entry is the zigzag varint of its difference from the previous time; every other unmarked field is its own
/// bytes, length or presence prefix included. Bitmap ``raw`` stands for an entry kept whole: a varint length, then
/// the bytes.
enum PackedEntries {
    /// The first byte of the packed form.
    static let format: UInt8 = 1

    /// How each field of an encoded entry is laid out (`Protocol/log-format.md`).
    fileprivate enum Field: Sendable {
        /// A fixed number of bytes.
        case fixed(Int)
        /// A 1-byte length, then that many bytes.
        case short
        /// A 2-byte big-endian length, then that many bytes.
        case long
        /// A presence byte (0 or 1); when 1, then `Field` follows.
        indirect case optional(Field)
    }

    /// Version, origin, index, time, action, kind, digest, key id, confidence, reason, expiry, note, disputed origin.
    private static let layout: [Field] = [
        .fixed(1), .short, .fixed(8), .fixed(8), .fixed(1), .short, .fixed(32), .short, .fixed(1), .short,
        .optional(.fixed(8)), .long, .optional(.short),
    ]
    private static let indexField = 2
    private static let timeField = 3
    /// The bitmap of an entry kept whole.
    private static let raw: UInt16 = 0x8000

    /// The packed form of `entries`, in order.
    static func pack(_ entries: [[UInt8]]) -> Data {
        var packed: [UInt8] = [format]
        var previous: (bytes: [UInt8], fields: [Range<Int>])?
        for bytes in entries {
            guard let fields = fields(of: bytes) else {
                append(raw, to: &packed)
                VarintWriter.append(UInt64(truncatingIfNeeded: bytes.count), to: &packed)
                packed.append(contentsOf: bytes)
                previous = nil
                continue
            }
            let bitmapAt = packed.count
            packed.append(contentsOf: [0, 0])
            var bitmap: UInt16 = 0
            for (number, range) in fields.enumerated() {
                let value = bytes[range]
                if let previous {
                    let before = previous.bytes[previous.fields[number]]
                    let repeated =
                        number == indexField ? word(value) == word(before) &+ 1 : value.elementsEqual(before)
                    if repeated {
                        bitmap |= 1 << UInt16(truncatingIfNeeded: number)
                        continue
                    }
                    if number == timeField {
                        let difference = Int64(bitPattern: word(value) &- word(before))
                        VarintWriter.appendSigned(difference, to: &packed)
                        continue
                    }
                }
                packed.append(contentsOf: value)
            }
            packed[bitmapAt] = UInt8(truncatingIfNeeded: bitmap >> 8)
            packed[bitmapAt + 1] = UInt8(truncatingIfNeeded: bitmap)
            previous = (bytes, fields)
        }
        return Data(packed)
    }

    /// The entries of a packed form, or `nil` when it is not one (cut short, an unknown format, a bitmap naming a field
    /// the entry before did not have).
    static func unpack(_ data: Data) -> [[UInt8]]? {
        var reader = StoredBytesReader(data)
        guard reader.byte() == format else { return nil }
        var entries: [[UInt8]] = []
        var previous: (bytes: [UInt8], fields: [Range<Int>])?
        while !reader.isAtEnd {
            guard let high = reader.byte(), let low = reader.byte() else { return nil }
            let bitmap = UInt16(truncatingIfNeeded: high) << 8 | UInt16(truncatingIfNeeded: low)
            if bitmap == raw {
                guard let length = reader.varint(), length <= UInt64(truncatingIfNeeded: LogSegment.maximumBytes),
                    let bytes = reader.bytes(Int(truncatingIfNeeded: length))
                else { return nil }
                entries.append(bytes)
                previous = nil
                continue
            }
            guard bitmap & ~UInt16(truncatingIfNeeded: 1 << layout.count - 1) == 0, bitmap == 0 || previous != nil
            else { return nil }
            var bytes: [UInt8] = []
            var fields: [Range<Int>] = []
            for (number, field) in layout.enumerated() {
                let start = bytes.count
                if bitmap & 1 << UInt16(truncatingIfNeeded: number) != 0, let previous {
                    let before = previous.bytes[previous.fields[number]]
                    if number == indexField {
                        appendWord(word(before) &+ 1, to: &bytes)
                    } else {
                        bytes.append(contentsOf: before)
                    }
                } else if number == timeField, let previous {
                    guard let difference = reader.varint() else { return nil }
                    let before = word(previous.bytes[previous.fields[number]])
                    appendWord(before &+ UInt64(bitPattern: VarintReader.unzigzag(difference)), to: &bytes)
                } else {
                    guard reader.copy(field, to: &bytes) else { return nil }
                }
                fields.append(start..<bytes.count)
            }
            entries.append(bytes)
            previous = (bytes, fields)
        }
        return entries
    }

    /// The ranges of `bytes` that hold each field of ``layout``, or `nil` when the bytes do not follow it exactly.
    private static func fields(of bytes: [UInt8]) -> [Range<Int>]? {
        var fields: [Range<Int>] = []
        var offset = 0
        func extent(of field: Field, at offset: Int) -> Int? {
            let left = bytes.count - offset
            switch field {
            case .fixed(let count):
                return left >= count ? count : nil
            case .short:
                guard left >= 1 else { return nil }
                let length = Int(truncatingIfNeeded: bytes[offset])
                return left - 1 >= length ? 1 + length : nil
            case .long:
                guard left >= 2 else { return nil }
                let length = Int(truncatingIfNeeded: bytes[offset]) << 8 | Int(truncatingIfNeeded: bytes[offset + 1])
                return left - 2 >= length ? 2 + length : nil
            case .optional(let present):
                guard left >= 1 else { return nil }
                switch bytes[offset] {
                case 0: return 1
                case 1: return extent(of: present, at: offset + 1).map { 1 + $0 }
                default: return nil
                }
            }
        }
        for field in layout {
            guard let count = extent(of: field, at: offset) else { return nil }
            fields.append(offset..<offset + count)
            offset += count
        }
        return offset == bytes.count ? fields : nil
    }

    private static func word(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        bytes.reduce(0) { $0 << 8 | UInt64(truncatingIfNeeded: $1) }
    }

    private static func appendWord(_ word: UInt64, to bytes: inout [UInt8]) {
        VarintWriter.appendWord(word, to: &bytes)
    }

    private static func append(_ bitmap: UInt16, to bytes: inout [UInt8]) {
        bytes.append(UInt8(truncatingIfNeeded: bitmap >> 8))
        bytes.append(UInt8(truncatingIfNeeded: bitmap))
    }
}

/// Reads what the store wrote, answering `nil` past the end: stored bytes may have been damaged or altered outside
/// Hallmark, so no read traps.
struct StoredBytesReader {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ data: Data) { bytes = [UInt8](data) }

    var isAtEnd: Bool { offset >= bytes.count }

    mutating func byte() -> UInt8? {
        guard offset < bytes.count else { return nil }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func bytes(_ count: Int) -> [UInt8]? {
        guard count >= 0, bytes.count - offset >= count else { return nil }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    mutating func uint16() -> UInt16? { integer() }
    mutating func uint32() -> UInt32? { integer() }
    mutating func uint64() -> UInt64? { integer() }

    /// A varint as ``VarintWriter`` writes it (at most ten bytes).
    mutating func varint() -> UInt64? {
        var value: UInt64 = 0
        for shift: UInt64 in stride(from: 0, to: 70, by: 7) {
            guard let byte = byte() else { return nil }
            value |= UInt64(truncatingIfNeeded: byte & 0x7f) << shift
            if byte < 0x80 { return value }
        }
        return nil
    }

    /// Copies one field laid out as `field` (its prefix included) to `output`.
    fileprivate mutating func copy(_ field: PackedEntries.Field, to output: inout [UInt8]) -> Bool {
        switch field {
        case .fixed(let count):
            guard let run = bytes(count) else { return false }
            output.append(contentsOf: run)
        case .short:
            guard let length = byte(), let run = bytes(Int(truncatingIfNeeded: length)) else { return false }
            output.append(length)
            output.append(contentsOf: run)
        case .long:
            guard let length = uint16(), let run = bytes(Int(truncatingIfNeeded: length)) else { return false }
            output.append(UInt8(truncatingIfNeeded: length >> 8))
            output.append(UInt8(truncatingIfNeeded: length))
            output.append(contentsOf: run)
        case .optional(let present):
            guard let presence = byte() else { return false }
            output.append(presence)
            if presence == 1 { return copy(present, to: &output) }
            return presence == 0
        }
        return true
    }

    private mutating func integer<Value: FixedWidthInteger>() -> Value? {
        guard let raw = bytes(MemoryLayout<Value>.size) else { return nil }
        return raw.reduce(0) { $0 << 8 | Value($1) }
    }
}
