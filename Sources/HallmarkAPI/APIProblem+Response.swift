import Foundation
import HTTPTypes
import HallmarkDocuments
import Hummingbird
import NIOCore

extension APIProblem {
    /// The response carrying this problem.
    func response(instance path: String, headers extra: HTTPFields = [:]) -> Response {
        var problem = self
        problem.instance = path
        var headers = extra
        headers[.contentType] = Self.mediaType
        let body = (try? APIDocument.makeEncoder().encode(problem)) ?? Data()
        return Response(
            status: HTTPResponse.Status(code: status),
            headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: body))
        )
    }
}
