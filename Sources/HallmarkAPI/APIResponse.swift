import Foundation
import HallmarkDocuments
import HallmarkMember
import Hummingbird
import NIOCore

/// JSON responses, encoded as the command line's `--json` output is (snake_case keys).
enum APIResponse {
    /// A `200` (or `status`) response with `value` as its JSON body.
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        json(bytes: try APIDocument.makeEncoder().encode(value), status: status)
    }

    /// A `200` (or `status`) response whose body is `bytes`, a JSON document already written.
    static func json(bytes body: some Sequence<UInt8>, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: body))
        )
    }

    /// A path parameter, percent-decoded.
    /// - Throws: ``APIProblem`` `400` naming the parameter when it is not valid percent-encoded UTF-8.
    static func parameter(_ name: String, of context: BasicRequestContext) throws -> String {
        guard let raw = context.parameters.get(name), let decoded = PercentDecoding.decode(raw) else {
            throw APIProblem(
                .badRequest,
                code: "invalid-value",
                detail: "\(name): not valid percent-encoded UTF-8",
                field: name
            )
        }
        return decoded
    }
}
