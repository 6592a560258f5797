import HallmarkCore
import HallmarkDocuments
import HallmarkImage
import Hummingbird
import NIOCore
import NIOPosix

/// `POST /v1/hash-image`: the PDQ hash and quality of an uploaded JPEG or PNG image, computed on this node, so that a
/// system can check or submit an image without hashing it itself.
struct ImageRoutes {
    /// The largest image accepted: more than a camera's JPEG, far less than the decoder's own limit.
    static let maximumImageBytes = 32 << 20
    /// The media types an upload may be sent as; the decoder tells JPEG from PNG by the bytes themselves.
    static let mediaTypes: Set<String> = ["image/jpeg", "image/png", "application/octet-stream"]
    /// The most pixels an uploaded image may have: a 40-megapixel photograph takes about 450 MB while it is hashed,
    /// and a small compressed file can claim that much, so the API's limit is below the command line's.
    static let maximumPixels = 40_000_000
    /// Images hashed at once (two): more are answered 503, to retry.
    static let hashing = ConcurrencyGate(limit: 2, busyDetail: "2 images are being hashed; retry in a moment")

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
                let bytes = Array(body.readableBytesView)
                let hashed = try await Self.hashing.run {
                    // Seconds of work for a large image: on a thread of its own, not one of those serving requests.
                    try await NIOThreadPool.singleton.runIfActive {
                        try ImageHasher(maximumPixels: Self.maximumPixels).hash(bytes, source: "body")
                    }
                }
                return try APIResponse.json(APIDocument.ImageHashBody(hash: hashed.hash, quality: hashed.quality))
            }
        ]
    }
}
