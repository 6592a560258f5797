/// Unicode Normalization Form KC (UAX #15), on Hallmark's own Unicode 14.0 tables.
///
/// Hallmark does not use Foundation's `precomposedStringWithCompatibilityMapping`: on Linux it
/// leaves combining marks that come out of a compatibility mapping out of canonical order
/// (`a` U+0345 U+FF9E), and the runtime's composition of Hangul jamo differs from the standard
/// (it composes U+1100 U+1176, and never composes a precomposed LV syllable with a trailing jamo).
/// Digests must not depend on which platform computed them.
enum NFKC {
    /// The tables, parsed once.
    private struct Tables: Sendable {
        /// Decomposition of a code point: `offset << 8 | count` into ``scalars``.
        var decompositions: [UInt32: UInt32] = [:]
        var scalars: [UInt32] = []
        var combiningClasses: [UInt32: UInt8] = [:]
        /// `first << 21 | second` to the composite.
        var compositions: [UInt64: UInt32] = [:]

        init() {
            for line in NFKC.codePointLines(NFKC.decompositionLines) {
                decompositions[line[0]] = UInt32(scalars.count) << 8 | UInt32(line.count - 1)
                scalars += line.dropFirst()
            }
            for line in NFKC.codePointLines(NFKC.combiningClassLines) {
                combiningClasses[line[0]] = UInt8(line[1])
            }
            for line in NFKC.codePointLines(NFKC.compositionLines) {
                compositions[UInt64(line[0]) << 21 | UInt64(line[1])] = line[2]
            }
        }
    }

    private static let tables = Tables()

    // Hangul syllable arithmetic (Unicode §3.12).
    private static let sBase: UInt32 = 0xAC00
    private static let lBase: UInt32 = 0x1100
    private static let vBase: UInt32 = 0x1161
    private static let tBase: UInt32 = 0x11A7
    private static let lCount: UInt32 = 19
    private static let vCount: UInt32 = 21
    private static let tCount: UInt32 = 28
    private static let sCount: UInt32 = 11172

    /// The NFKC form of a sequence of code points.
    static func normalize(_ input: some Sequence<UInt32>) -> [UInt32] {
        let tables = Self.tables
        var buffer = [UInt32]()
        buffer.reserveCapacity(input.underestimatedCount + 8)
        for value in input {
            if value >= sBase && value < sBase + sCount {
                let index = value - sBase
                buffer.append(lBase + index / (vCount * tCount))
                buffer.append(vBase + (index % (vCount * tCount)) / tCount)
                if index % tCount != 0 { buffer.append(tBase + index % tCount) }
            } else if let entry = tables.decompositions[value] {
                let offset = Int(entry >> 8)
                buffer += tables.scalars[offset..<(offset + Int(entry & 0xFF))]
            } else {
                buffer.append(value)
            }
        }
        reorder(&buffer, tables: tables)
        return compose(buffer, tables: tables)
    }

    /// Canonical ordering: a stable sort of each run of non-starters by combining class.
    private static func reorder(_ buffer: inout [UInt32], tables: Tables) {
        guard buffer.count > 1 else { return }
        for index in 1..<buffer.count {
            let cc = tables.combiningClasses[buffer[index]] ?? 0
            guard cc != 0 else { continue }
            var position = index
            let value = buffer[index]
            while position > 0 {
                let previous = tables.combiningClasses[buffer[position - 1]] ?? 0
                guard previous > cc else { break }
                buffer[position] = buffer[position - 1]
                position -= 1
            }
            buffer[position] = value
        }
    }

    /// Canonical composition (UAX #15 §1.3), Hangul by arithmetic.
    private static func compose(_ buffer: [UInt32], tables: Tables) -> [UInt32] {
        var result = [UInt32]()
        result.reserveCapacity(buffer.count)
        var starter = -1
        var lastClass: UInt8 = 0
        for value in buffer {
            let cc = tables.combiningClasses[value] ?? 0
            if starter >= 0 {
                let adjacent = result.count - 1 == starter
                if adjacent || (lastClass != 0 && lastClass < cc),
                    let composite = composite(result[starter], value, tables: tables)
                {
                    result[starter] = composite
                    continue
                }
            }
            if cc == 0 { starter = result.count }
            lastClass = cc
            result.append(value)
        }
        return result
    }

    private static func composite(_ first: UInt32, _ second: UInt32, tables: Tables) -> UInt32? {
        if first >= lBase && first < lBase + lCount && second >= vBase && second < vBase + vCount {
            return sBase + ((first - lBase) * vCount + (second - vBase)) * tCount
        }
        if first >= sBase && first < sBase + sCount && (first - sBase) % tCount == 0 && second > tBase
            && second < tBase + tCount
        {
            return first + (second - tBase)
        }
        return tables.compositions[UInt64(first) << 21 | UInt64(second)]
    }

    /// The lines of a table, each as its hexadecimal code points.
    private static func codePointLines(_ text: String) -> [[UInt32]] {
        text.utf8.split(separator: UInt8(ascii: "\n")).map { line in
            line.split(separator: UInt8(ascii: " ")).map { field in
                field.reduce(0) { $0 << 4 | UInt32(URLCanonicalization.hexValue($1)!) }
            }
        }
    }
}
