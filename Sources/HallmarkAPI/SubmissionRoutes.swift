import HallmarkCore
import HallmarkDocuments
import HallmarkMember
import Hummingbird

/// `POST /v1/indicators`, `POST /v1/retractions`, `POST /v1/disputes`: each request appends to this member's log
/// under one signed checkpoint, or appends nothing when any part of it is refused. An indicator file sent to
/// `POST /v1/indicators` (``IndicatorFileUpload``) is appended in chunks of ``Member/importChunkSize``.
struct SubmissionRoutes {
    let member: Member
    /// Indicator files are imported one at a time.
    let fileImports = IndicatorFileUpload.oneAtATime()

    var routes: [APIRoute] {
        [
            APIRoute(method: .post, path: "/v1/indicators") { request, _ in
                // A whole indicator file: imported in chunks, each under its own checkpoint, once every line is checked.
                if let format = IndicatorFileUpload.format(of: request) {
                    let imported = try await IndicatorFileUpload.importBody(
                        of: request,
                        as: format,
                        into: member,
                        through: fileImports
                    )
                    return try APIResponse.json(APIDocument.Outcome(imported.outcome))
                }
                let body = try await JSONRequestBody.decode(IndicatorsRequest.self, from: request)
                guard body.indicators.count <= APILimits.maximumBatch else {
                    throw APIProblem.batchTooLarge("indicators", count: body.indicators.count)
                }
                let now = Timestamp.now()
                let submissions = try body.indicators.enumerated().map { position, input in
                    try input.submission(at: "indicators[\(position)]", now: now)
                }
                return try APIResponse.json(APIDocument.Outcome(try await member.submit(submissions)))
            },
            APIRoute(method: .post, path: "/v1/retractions") { request, _ in
                let body = try await JSONRequestBody.decode(RetractionsRequest.self, from: request)
                guard body.identifiers.count <= APILimits.maximumBatch else {
                    throw APIProblem.batchTooLarge("identifiers", count: body.identifiers.count)
                }
                let identifiers = try body.identifiers.enumerated().map { position, input in
                    try input.identifier(at: "identifiers[\(position)]")
                }
                let outcome = try await member.retract(identifiers, note: body.note ?? "")
                return try APIResponse.json(APIDocument.Outcome(outcome))
            },
            APIRoute(method: .post, path: "/v1/disputes") { request, _ in
                let body = try await JSONRequestBody.decode(DisputeRequest.self, from: request)
                let identifier = try IdentifierInput(kind: body.kind, value: body.value).identifier(at: "")
                let origin: MemberID
                do {
                    origin = try MemberID(body.origin)
                } catch let error as HallmarkError {
                    throw error.at("origin")
                }
                let outcome = try await member.dispute(
                    identifier,
                    origin: origin,
                    reason: body.reason,
                    note: body.note ?? ""
                )
                return try APIResponse.json(APIDocument.Outcome(outcome))
            },
        ]
    }
}
