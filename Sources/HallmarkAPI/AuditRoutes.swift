import HallmarkMember
import Hummingbird

/// `GET /v1/audit/{kind}/{value}`: every entry about an identifier with its proofs, as `hallmark audit --json`.
struct AuditRoutes {
    let member: MemberNode

    var routes: [APIRoute] {
        [
            APIRoute(method: .get, path: "/v1/audit/{kind}/{value}") { _, context in
                let input = IdentifierInput(
                    kind: try APIResponse.parameter("kind", of: context),
                    value: try APIResponse.parameter("value", of: context)
                )
                let report = try await member.audit(try input.identifier(at: ""))
                return try APIResponse.json(ReportDocument.AuditBody(report))
            }
        ]
    }
}
