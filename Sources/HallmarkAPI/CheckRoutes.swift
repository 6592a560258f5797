import HallmarkCore
import HallmarkDocuments
import HallmarkMember
import Hummingbird

/// `POST /v1/check` (a batch) and `GET /v1/check/{kind}/{value}` (one identifier).
struct CheckRoutes {
    let member: Member

    var routes: [APIRoute] {
        [
            APIRoute(method: .post, path: "/v1/check") { request, _ in
                let body = try await JSONRequestBody.decode(CheckRequest.self, from: request)
                return APIResponse.json(bytes: APIDocument.json(ofVerdicts: try await check(body.identifiers)))
            },
            APIRoute(method: .get, path: "/v1/check/{kind}/{value}") { _, context in
                let input = IdentifierInput(
                    kind: try APIResponse.parameter("kind", of: context),
                    value: try APIResponse.parameter("value", of: context)
                )
                let identifier = try input.identifier(at: "")
                return APIResponse.json(bytes: APIDocument.json(of: try await member.check(identifier)))
            },
        ]
    }

    /// One verdict per input, in order; raw values and digests may be mixed.
    private func check(_ inputs: [IdentifierInput]) async throws -> [Verdict] {
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
        var verdicts = try await member.check(digests: lookups)
        for position in verdicts.indices { verdicts[position].identifier = identifiers[position] }
        return verdicts
    }
}
