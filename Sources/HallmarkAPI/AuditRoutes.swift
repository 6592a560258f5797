import HallmarkCore
import HallmarkEvidence
import HallmarkMember
import Hummingbird

/// `GET /v1/audit/{kind}/{value}`: every entry about an identifier with its proofs, as `hallmark audit --json`;
/// `GET /v1/evidence/{kind}/{value}`: the signed evidence bundle, as `hallmark audit evidence` writes it.
struct AuditRoutes {
    let member: MemberNode

    var routes: [APIRoute] {
        [
            APIRoute(method: .get, path: "/v1/audit/{kind}/{value}") { _, context in
                let report = try await member.audit(try Self.identifier(in: context))
                return try APIResponse.json(ReportDocument.AuditBody(report))
            },
            APIRoute(method: .get, path: "/v1/evidence/{kind}/{value}") { _, context in
                let identifier = try Self.identifier(in: context)
                do {
                    return APIResponse.json(bytes: try await member.evidence(about: identifier).jsonData())
                } catch let error as HallmarkError where error.code == .notFound {
                    // A GET of a bundle that cannot exist: the resource is missing, the request is fine.
                    throw APIProblem(.notFound, code: error.code.name, detail: error.message)
                }
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
