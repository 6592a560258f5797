import HallmarkCore
import HallmarkDocuments
import HallmarkMember
import Hummingbird

/// `GET /v1/origins/{member}`: an origin's log, its cosigners, equivocation evidence and cleared quarantines, as
/// `hallmark audit origin --json`; `POST /v1/origins/{member}/clear-quarantine`: an operator lets a quarantined
/// origin's log grow again, as `hallmark quarantine clear`.
struct OriginRoutes {
    let member: Member

    var routes: [APIRoute] {
        [
            APIRoute(method: .get, path: "/v1/origins/{member}") { _, context in
                try APIResponse.json(OriginAudit(try await member.auditOrigin(try Self.origin(in: context))))
            },
            APIRoute(method: .post, path: "/v1/origins/{member}/clear-quarantine") { request, context in
                let origin = try Self.origin(in: context)
                let body = try await JSONRequestBody.decode(ClearQuarantineRequest.self, from: request)
                let clearance = try await member.clearQuarantine(of: origin, note: body.note ?? "")
                return try APIResponse.json(APIDocument.QuarantineClearance(clearance))
            },
        ]
    }

    /// The origin the path names.
    private static func origin(in context: BasicRequestContext) throws -> MemberID {
        do {
            return try MemberID(try APIResponse.parameter("member", of: context))
        } catch let error as HallmarkError {
            throw error.at("member")
        }
    }
}
