import Foundation

extension APIDocument {
    /// The decoder for the API's documents, the inverse of ``APIDocument/makeEncoder(pretty:)``: snake_case keys
    /// become the camelCase property names, with `id` written `ID` as Swift names write it (`alliance_key_id` is
    /// `allianceKeyID`), which Foundation's `convertFromSnakeCase` would turn into `allianceKeyId`.
    public static func makeDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .custom { path in
            let key: any CodingKey = path.last ?? AnyCodingKey(stringValue: "")
            let words = key.stringValue.split(separator: "_", omittingEmptySubsequences: false)
            guard key.intValue == nil, let first = words.first, words.count > 1 else { return key }
            let rest = words.dropFirst().map { (word: Substring) -> String in
                word == "id" ? "ID" : word.prefix(1).uppercased() + String(word.dropFirst())
            }
            return AnyCodingKey(stringValue: String(first) + rest.joined())
        }
        return decoder
    }
}
