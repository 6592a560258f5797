/// Unicode full case folding (CaseFolding.txt, statuses C and F), exactly as Python's `str.casefold()`.
///
/// Hallmark carries its own table rather than calling Foundation's `folding(options:locale:)`, which
/// differs from full case folding (it leaves `ß` alone on some platforms, folds Cherokee to lower
/// case where Unicode folds it to upper case, and keeps U+1C80–U+1C88), and differs across platforms.
enum CaseFolding {
    /// Appends the full case folding of the code point `value` to `output`.
    static func append(foldingOf value: UInt32, to output: inout [UInt32]) {
        guard let index = index(of: value) else {
            output.append(value)
            return
        }
        var packed = values[index]
        while packed != 0 {
            output.append(UInt32(truncatingIfNeeded: packed & 0x1F_FFFF))
            packed >>= 21
        }
    }

    /// The position of `value` in ``keys``, by binary search.
    private static func index(of value: UInt32) -> Int? {
        var low = 0
        var high = keys.count
        while low < high {
            let middle = (low + high) / 2
            let key = keys[middle]
            if key == value { return middle }
            if key < value { low = middle + 1 } else { high = middle }
        }
        return nil
    }
}
