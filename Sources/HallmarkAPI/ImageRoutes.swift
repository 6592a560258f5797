import HallmarkCore
import HallmarkDocuments
import HallmarkImage
import Hummingbird
import NIOCore

/// `POST /v1/hash-image`: the PDQ hash and quality of an uploaded JPEG or PNG image, computed on this node, so that a
/// system can check or submit an image without hashing it itself.
struct ImageRoutes {
    /// The largest image accepted: more than a camera's JPEG, far less than the decoder's own limit.
    static let maximumImageBytes = 32 << 20
    /// The media types an upload may be sent as; the decoder tells JPEG from PNG by the bytes themselves.
    static let mediaTypes: Set<String> = ["image/jpeg", "image/png", "application/octet-stream"]

    var routes: [APIRoute] {
        [
            APIRoute(method: .post, path: "/v1/hash-image") { request, _ in
                let mediaType = request.headers[.contentType].flatMap {
                    $0.split(separator: ";").first?.trimmingASCIIWhitespace().lowercased()
                }
                guard let mediaType, Self.mediaTypes.contains(mediaType) else {
                    throw APIProblem(
                        .unsupportedMediaType,
                        code: "unsupported-media-type",
                        detail: "send the image as the body, with Content-Type: image/jpeg, image/png or "
                            + "application/octet-stream"
                    )
                }
                let body: ByteBuffer
                do {
                    body = try await request.body.collect(upTo: Self.maximumImageBytes)
                } catch is NIOTooManyBytesError {
                    throw APIProblem(
                        .contentTooLarge,
                        code: "too-large",
                        detail: "the image is larger than \(Self.maximumImageBytes) bytes"
                    )
                }
                let hashed = try ImageHasher().hash(Array(body.readableBytesView), source: "body")
                return try APIResponse.json(APIDocument.ImageHashBody(hash: hashed.hash, quality: hashed.quality))
            }
        ]
    }
}
