import HallmarkCore
import HallmarkMember
import Hummingbird
import NIOCore

/// `GET /v1/filter`: a full member filter file (`Protocol/member-filter.md`) of the listed digests, of the kinds
/// named by `kind` (repeatable; every kind when absent), for the member's own systems to test identifiers locally.
struct FilterExportRoutes {
    let member: Member

    var routes: [APIRoute] {
        [
            APIRoute(method: .get, path: "/v1/filter") { request, _ in
                let names = request.uri.queryParameters.getAll("kind")
                var kinds: [IndicatorKind] = []
                for name in names {
                    do { kinds.append(try IndicatorKind(parsing: name)) } catch let error as HallmarkError {
                        throw error.at("kind")
                    }
                }
                let exported = try await member.exportFilter(kinds: kinds.isEmpty ? MemberFilterFile.kindBits : kinds)
                return Response(
                    status: .ok,
                    headers: [
                        .contentType: "application/octet-stream",
                        .contentDisposition: "attachment; filename=\"hallmark-filter.bin\"",
                    ],
                    body: ResponseBody(byteBuffer: ByteBuffer(bytes: exported.bytes))
                )
            }
        ]
    }
}
