import HallmarkCore
import HallmarkDocuments
import HallmarkMember
import HallmarkReports
import Hummingbird
import NIOCore

/// `GET /v1/report?since=…&format=json|csv|html`: the contribution report, as `hallmark audit report` prints it.
struct ReportRoutes {
    let member: Member

    /// The report's forms and their media types.
    static let formats: [String: String] = [
        "json": "application/json",
        "csv": "text/csv; charset=utf-8; header=present",
        "html": "text/html; charset=utf-8",
    ]

    var routes: [APIRoute] {
        [
            APIRoute(method: .get, path: "/v1/report") { request, _ in
                let query = request.uri.queryParameters
                let now = Timestamp.now()
                var since: Timestamp?
                if let text = query["since"] {
                    do {
                        since = try ExpiryParser.parseStart(String(text), now: now, option: "since")
                    } catch let error as HallmarkError {
                        throw error.at("since")
                    }
                }
                let format = query["format"].map(String.init) ?? "json"
                guard let mediaType = Self.formats[format] else {
                    throw APIProblem(
                        .badRequest,
                        code: "invalid-value",
                        detail: "format '\(format)' is not one of json, csv, html",
                        field: "format"
                    )
                }
                let report = try await member.contributionReport(since: since, now: now)
                let body: [UInt8]
                switch format {
                case "csv": body = Array(report.csv().utf8)
                case "html": body = Array(report.html().utf8)
                default: return try APIResponse.json(report)
                }
                return Response(
                    status: .ok,
                    headers: [.contentType: mediaType],
                    body: ResponseBody(byteBuffer: ByteBuffer(bytes: body))
                )
            }
        ]
    }
}
