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
    /// The object's fields, after refusing one that `Key` does not name, so that a misspelt optional field is
    /// reported rather than silently ignored.
    ///
    /// One keyed container serves both the check and the decoding: `POST /v1/check` decodes up to 10 000 objects per
    /// request, and making a second container per object cost as much as everything else in the decoding.
    /// - Throws: `DecodingError.dataCorrupted` at the unknown field's path.
    func knownFields<Key: CodingKey & CaseIterable>(_ keys: Key.Type) throws -> KnownFields<Key> {
        let container = try container(keyedBy: AnyCodingKey.self)
        for key in container.allKeys where Key(stringValue: key.stringValue) == nil {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(
                    codingPath: codingPath + [key],
                    debugDescription:
                        "unknown field (known: \(Key.allCases.map(\.stringValue).joined(separator: ", ")))"
                )
            )
        }
        return KnownFields(container: container)
    }
}

/// An object's fields, all of them named by `Key` (``Swift/Decoder/knownFields(_:)``).
struct KnownFields<Key: CodingKey> {
    let container: KeyedDecodingContainer<AnyCodingKey>

    /// Where the object is in the document.
    var codingPath: [any CodingKey] { container.codingPath }

    /// The value of a field that must be there.
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try container.decode(type, forKey: AnyCodingKey(stringValue: key.stringValue))
    }

    /// The value of a field that may be missing or null.
    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        try container.decodeIfPresent(type, forKey: AnyCodingKey(stringValue: key.stringValue))
    }
}
