import Foundation
import HallmarkCore

extension EvidenceBundle {
    /// The largest bundle read, in bytes: far beyond any identifier's entries, small enough to refuse a wrong file.
    public static let maximumSize = 64 << 20

    /// Reads a bundle from its JSON.
    /// - Parameter json: The file's bytes.
    /// - Throws: ``HallmarkError`` `malformed` saying why the bytes are not a bundle of this format: too large, not
    ///   JSON (with the position when known), a missing key or a value of the wrong type (with its path), or another
    ///   format or version.
    public init(json: Data) throws {
        guard json.count <= Self.maximumSize else {
            throw HallmarkError(
                .malformed,
                "the file holds \(json.count) bytes, more than an evidence bundle's \(Self.maximumSize)"
            )
        }
        guard !json.isEmpty else { throw HallmarkError(.malformed, "the file is empty, not an evidence bundle") }
        do {
            _ = try JSONSerialization.jsonObject(with: json)
        } catch {
            throw HallmarkError(
                .malformed,
                "not an evidence bundle: the file is not valid JSON (truncated or altered?): "
                    + Self.describe(error as NSError)
            )
        }
        let bundle: EvidenceBundle
        do {
            bundle = try JSONDecoder().decode(EvidenceBundle.self, from: json)
        } catch let error as DecodingError {
            throw HallmarkError(.malformed, "not an evidence bundle: \(Self.describe(error))")
        }
        guard bundle.format == Self.currentFormat else {
            throw HallmarkError(
                .malformed,
                "the bundle's format is '\(bundle.format)'; this verifier reads '\(Self.currentFormat)'",
                location: "format"
            )
        }
        self = bundle
    }

    /// The bundle as pretty, key-sorted JSON ending with a line feed.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self) + Data("\n".utf8)
    }

    private static func describe(_ error: NSError) -> String {
        (error.userInfo[NSDebugDescriptionErrorKey] as? String) ?? error.localizedDescription
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return keys.isEmpty ? "the top level" : String(keys.drop { $0 == "." })
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = path(context)
            return "key '\(key.stringValue)' is missing" + (context.codingPath.isEmpty ? "" : " in \(parent)")
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "\(path(context)) has the wrong type: \(context.debugDescription)"
        case .dataCorrupted(let context):
            return "\(path(context)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}
