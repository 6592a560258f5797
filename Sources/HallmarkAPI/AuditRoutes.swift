import HallmarkCore
import HallmarkDocuments
import HallmarkEvidence
import HallmarkMember
import Hummingbird

/// `GET /v1/audit/{kind}/{value}`: every entry about an identifier with its proofs, as `hallmark audit --json`;
/// `GET /v1/evidence/{kind}/{value}`: the signed evidence bundle, as `hallmark audit evidence` writes it;
/// `GET /v1/origins/{member}`: an origin's log, its cosigners and any equivocation evidence, as `hallmark audit origin --json`.
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
            APIRoute(method: .get, path: "/v1/origins/{member}") { _, context in
                let origin: MemberID
                do {
                    origin = try MemberID(try APIResponse.parameter("member", of: context))
                } catch let error as HallmarkError {
                    throw error.at("member")
                }
                return try APIResponse.json(OriginAudit(try await member.auditOrigin(origin)))
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
