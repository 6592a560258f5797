import HallmarkCore
import HallmarkDocuments
import HallmarkEvidence
import HallmarkMember
import Hummingbird

/// `GET /v1/audit/{kind}/{value}`: every entry about an identifier with its proofs, as `hallmark audit --json`;
/// `GET /v1/evidence/{kind}/{value}`: the signed evidence bundle, as `hallmark audit evidence` writes it.
struct AuditRoutes {
    let member: Member

    var routes: [APIRoute] {
        [
            APIRoute(method: .get, path: "/v1/audit/{kind}/{value}") { _, context in
                let report = try await member.audit(try Self.identifier(in: context))
                return try APIResponse.json(APIDocument.AuditBody(report))
            },
            APIRoute(method: .get, path: "/v1/evidence/{kind}/{value}") { _, context in
                let identifier = try Self.identifier(in: context)
                return APIResponse.json(bytes: try await member.evidence(about: identifier).jsonData())
            },
        ]
    }

    /// The identifier the path names.
    private static func identifier(in context: BasicRequestContext) throws -> Identifier {
        let input = IdentifierInput(
            kind: try APIResponse.parameter("kind", of: context),
            value: try APIResponse.parameter("value", of: context)
        )
        return try input.identifier(at: "")
    }
}
