/// The `image-pdq` rule: exactly 64 hexadecimal digits, in either case, written in lower case.
enum PDQHashNormalization {
    /// The normalized form of a PDQ hash value.
    /// - Throws: ``HallmarkError`` `invalid-value` naming the problem.
    static func normalize(_ value: String) throws -> String {
        let trimmed = IndicatorText.trimmed(value)
        guard !trimmed.isEmpty else { throw HallmarkError(.invalidValue, "empty image-pdq value") }
        let characters = trimmed.unicodeScalars.count
        guard characters == 64 else {
            throw HallmarkError(.invalidValue, "image-pdq value must be 64 hex digits, got \(characters) characters")
        }
        return try String(unsafeUninitializedCapacity: 64) { output in
            for (position, byte) in trimmed.utf8.enumerated() {
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"):
                    output[position] = byte
                case UInt8(ascii: "A")...UInt8(ascii: "F"):
                    output[position] = byte | 0x20
                default:
                    let character = trimmed.unicodeScalars[
                        trimmed.unicodeScalars.index(trimmed.startIndex, offsetBy: position)
                    ]
                    throw HallmarkError(
                        .invalidValue,
                        "image-pdq value has a non-hex character '\(character.escaped(asASCII: true))' at position \(position + 1)"
                    )
                }
            }
            return 64
        }
    }
}
