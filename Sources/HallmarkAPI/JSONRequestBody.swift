import Foundation
import HallmarkCore
import HallmarkDocuments
import Hummingbird
import NIOCore

/// Reads a request's JSON body strictly: the media type must be JSON, the size is bounded, unknown fields and
/// wrong types are problems naming the field's path (`identifiers[3].kind`).
enum JSONRequestBody {
    /// Decodes the body of `request` as `type`.
    /// - Throws: ``APIProblem`` `415` for another media type, `413` past ``APILimits/maximumBodyBytes``, `400`
    ///   for JSON that is malformed or does not fit `type`.
    static func decode<T: Decodable>(_ type: T.Type, from request: Request) async throws -> T {
        let body = try await collect(request, as: "application/json", named: "JSON")
        do {
            return try JSONDecoder().decode(type, from: Data(body.readableBytesView))
        } catch let error as DecodingError {
            throw problem(error)
        }
    }

    /// The body of `request`, sent as `mediaType` (named `name` in the problem when it is not).
    /// - Throws: ``APIProblem`` `415` for another media type, `413` past ``APILimits/maximumBodyBytes``.
    static func collect(_ request: Request, as mediaType: String, named name: String) async throws -> ByteBuffer {
        guard self.mediaType(of: request) == mediaType else {
            throw APIProblem(
                .unsupportedMediaType,
                code: "unsupported-media-type",
                detail: "the request body must be \(name), sent with Content-Type: \(mediaType)"
            )
        }
        do {
            return try await request.body.collect(upTo: APILimits.maximumBodyBytes)
        } catch is NIOTooManyBytesError {
            throw APIProblem.bodyTooLarge
        }
    }

    /// The media type `request` names in its `Content-Type`, lower-cased, without parameters; `nil` when none.
    static func mediaType(of request: Request) -> String? {
        // `first`: an empty Content-Type, or one of only `;`, splits into nothing.
        request.headers[.contentType].flatMap { $0.split(separator: ";").first?.trimmingASCIIWhitespace().lowercased() }
    }

    /// The problem for a decoding error, naming the field's path.
    static func problem(_ error: DecodingError) -> APIProblem {
        func invalid(_ path: [any CodingKey], _ detail: String) -> APIProblem {
            let field = render(path)
            return APIProblem(
                .badRequest,
                code: HallmarkError.Code.malformed.name,
                detail: field.map { "\($0): \(detail)" } ?? detail,
                field: field
            )
        }
        switch error {
        case .typeMismatch(let type, let context):
            return invalid(context.codingPath, "expected \(describe(type))")
        case .valueNotFound(let type, let context):
            return invalid(context.codingPath, "expected \(describe(type)), got null")
        case .keyNotFound(let key, let context):
            return invalid(context.codingPath + [key], "missing")
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return invalid([], "the request body is not valid JSON") }
            return invalid(context.codingPath, context.debugDescription)
        @unknown default:
            return invalid([], "the request body does not match the expected document")
        }
    }

    /// `identifiers[3].kind` for the coding path of that field; `nil` for the whole body.
    static func render(_ path: [any CodingKey]) -> String? {
        var text = ""
        for key in path {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return text.isEmpty ? nil : text
    }

    private static func describe(_ type: Any.Type) -> String {
        let name = String(describing: type)
        if name.hasPrefix("Array") || name.hasPrefix("[") && !name.contains(":") { return "an array" }
        if name.hasPrefix("Dictionary") || name.hasPrefix("[") { return "an object" }
        if name == "String" { return "a string" }
        if name == "Bool" { return "true or false" }
        if name.hasPrefix("Int") || name.hasPrefix("UInt") { return "a whole number" }
        return "a \(name)"
    }
}

extension APIProblem {
    /// A body past ``APILimits/maximumBodyBytes``.
    static let bodyTooLarge = APIProblem(
        .contentTooLarge,
        code: "too-large",
        detail: "the request body is larger than \(APILimits.maximumBodyBytes) bytes"
    )
}
