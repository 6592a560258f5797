/// A coding key for any field name or array index, to list an object's keys whatever they are.
struct AnyCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int?

    init(stringValue: String) {
        self.stringValue = stringValue
        self.intValue = nil
    }

    init(intValue: Int) {
        self.stringValue = "\(intValue)"
        self.intValue = intValue
    }
}

extension Decoder {
    /// Rejects an object holding a field that `Key` does not name, so that a misspelt optional field is reported
    /// rather than silently ignored.
    /// - Throws: `DecodingError.dataCorrupted` at the unknown field's path.
    func rejectUnknownKeys<Key: CodingKey & CaseIterable>(_ keys: Key.Type) throws {
        let container = try container(keyedBy: AnyCodingKey.self)
        let known = Key.allCases.map(\.stringValue)
        for key in container.allKeys where !known.contains(key.stringValue) {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(
                    codingPath: codingPath + [key],
                    debugDescription: "unknown field (known: \(known.joined(separator: ", ")))"
                )
            )
        }
    }
}
