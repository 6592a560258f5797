import HallmarkCore
import HallmarkDocuments
import HallmarkMember
import Hummingbird

/// `POST /v1/check` (a batch), `POST /v1/check/digests` (a batch of digests in binary, statuses only) and
/// `GET /v1/check/{kind}/{value}` (one identifier); for `image-pdq`, `max_distance` (in the body, or the query) sets how
/// far a listed hash may be and still match.
struct CheckRoutes {
    let member: Member

    var routes: [APIRoute] {
        [
            APIRoute(method: .post, path: "/v1/check") { request, _ in
                let body = try await JSONRequestBody.decode(CheckRequest.self, from: request)
                try body.maxDistance.map { try ImageMatching.validateDistance($0, at: "max_distance") }
                let verdicts = try await check(body.identifiers, imageDistance: body.maxDistance)
                return APIResponse.json(bytes: APIDocument.json(ofVerdicts: verdicts))
            },
            APIRoute(method: .post, path: "/v1/check/digests") { request, _ in
                let body = try await JSONRequestBody.collect(
                    request,
                    as: "application/octet-stream",
                    named: "binary digest records"
                )
                let lookups = try DigestRecords.decode(body.readableBytesView)
                let distance = try Self.maxDistance(request.uri.queryParameters["max_distance"])
                let verdicts = try await member.check(digests: lookups, imageDistance: distance)
                return Response(
                    status: .ok,
                    headers: [.contentType: "application/octet-stream"],
                    body: ResponseBody(
                        byteBuffer: ByteBuffer(bytes: verdicts.map { DigestRecords.code(of: $0.status) })
                    )
                )
            },
            APIRoute(method: .get, path: "/v1/check/{kind}/{value}") { request, context in
                let input = IdentifierInput(
                    kind: try APIResponse.parameter("kind", of: context),
                    value: try APIResponse.parameter("value", of: context)
                )
                let identifier = try input.identifier(at: "")
                let distance = try Self.maxDistance(request.uri.queryParameters["max_distance"])
                return APIResponse.json(
                    bytes: APIDocument.json(of: try await member.check(identifier, imageDistance: distance))
                )
            },
        ]
    }

    /// One verdict per input, in order; raw values and digests may be mixed.
    private func check(_ inputs: [IdentifierInput], imageDistance: Int?) async throws -> [Verdict] {
        guard inputs.count <= APILimits.maximumBatch else {
            throw APIProblem.batchTooLarge("identifiers", count: inputs.count)
        }
        var lookups: [(kind: IndicatorKind, digest: Hash256)] = []
        var identifiers: [Identifier?] = []
        lookups.reserveCapacity(inputs.count)
        identifiers.reserveCapacity(inputs.count)
        for (position, input) in inputs.enumerated() {
            let (identifier, digest) = try input.lookup(at: "identifiers[\(position)]", by: member)
            lookups.append((try IndicatorKind(parsing: input.kind), digest))
            identifiers.append(identifier)
        }
        var verdicts = try await member.check(digests: lookups, imageDistance: imageDistance)
        for position in verdicts.indices { verdicts[position].identifier = identifiers[position] }
        return verdicts
    }

    /// The `max_distance` query parameter, when given.
    private static func maxDistance(_ text: Substring?) throws -> Int? {
        guard let text else { return nil }
        guard let distance = Int(text) else {
            throw HallmarkError(.invalidValue, "'\(text)' is not a whole number of bits", location: "max_distance")
        }
        try ImageMatching.validateDistance(distance, at: "max_distance")
        return distance
    }
}
