import Foundation
import HTTPTypes
import HallmarkCore
import HallmarkDocuments
import HallmarkInterchange
import HallmarkMember
import Hummingbird
import NIOCore

/// A read-only TAXII 2.1 server under `/taxii2/` (`Protocol/taxii.md`): discovery, one API root, the collections of
/// `TAXIICollection.all`, their objects and manifests, paged exactly by date added and id. Read access, as every
/// `GET` of the API: a read token beyond loopback.
struct TAXIIRoutes {
    let member: Member

    static let root = "/taxii2/api/"
    /// The date added of a page's first and last object. (Constant valid names: the initializer cannot fail.)
    static let dateAddedFirst = HTTPField.Name("X-TAXII-Date-Added-First")!
    static let dateAddedLast = HTTPField.Name("X-TAXII-Date-Added-Last")!
    /// Pages built at once: each reads its whole collection from the store (`Protocol/taxii.md`), so a burst of polls
    /// must not hold many copies of it.
    static let building = ConcurrencyGate(
        limit: 2,
        busyDetail: "2 TAXII pages are being built; retry in a moment"
    )

    var routes: [APIRoute] {
        [
            APIRoute(method: .get, path: "/taxii2/") { request, _ in
                try Self.acceptable(request)
                return try Self.taxii([
                    "title": "Hallmark node \(member.identity.member.rawValue)",
                    "description": "The indicators this alliance member's node holds, read-only.",
                    "default": Self.root,
                    "api_roots": [Self.root],
                ])
            },
            APIRoute(method: .get, path: Self.root) { request, _ in
                try Self.acceptable(request)
                return try Self.taxii([
                    "title": "Hallmark indicators",
                    "versions": [TAXIICollection.taxiiMediaType],
                    "max_content_length": 0,
                ])
            },
            APIRoute(method: .get, path: Self.root + "collections/") { request, _ in
                try Self.acceptable(request)
                return try Self.taxii(["collections": TAXIICollection.all.map(\.resource)])
            },
            APIRoute(method: .get, path: Self.root + "collections/{collection}/") { request, context in
                try Self.acceptable(request)
                return try Self.taxii(try Self.collection(context).resource)
            },
            APIRoute(method: .get, path: Self.root + "collections/{collection}/objects/") { request, context in
                try await page(request, context, objectID: nil) { page in
                    var envelope: [String: Any] = ["more": page.more, "objects": page.objects]
                    if let next = page.next { envelope["next"] = next }
                    return envelope
                }
            },
            APIRoute(method: .get, path: Self.root + "collections/{collection}/objects/{object}/") { request, context in
                try await page(request, context, objectID: try APIResponse.parameter("object", of: context)) { page in
                    var envelope: [String: Any] = ["more": page.more, "objects": page.objects]
                    if let next = page.next { envelope["next"] = next }
                    return envelope
                }
            },
            APIRoute(method: .get, path: Self.root + "collections/{collection}/objects/{object}/versions/") {
                request,
                context in
                // Only an object's current version is kept: its `modified` is the one version.
                try await page(request, context, objectID: try APIResponse.parameter("object", of: context)) { page in
                    ["more": false, "versions": page.manifest.compactMap { $0["version"] }]
                }
            },
            APIRoute(method: .get, path: Self.root + "collections/{collection}/manifest/") { request, context in
                try await page(request, context, objectID: nil) { page in
                    var manifest: [String: Any] = ["more": page.more, "objects": page.manifest]
                    if let next = page.next { manifest["next"] = next }
                    return manifest
                }
            },
        ]
    }

    /// A page of a collection's objects, as `body` shapes it, with the date-added headers.
    private func page(
        _ request: Request,
        _ context: BasicRequestContext,
        objectID: String?,
        body: (TAXIIPage) -> [String: Any]
    ) async throws -> Response {
        try Self.acceptable(request)
        let collection = try Self.collection(context)
        var parameters: [String: String] = [:]
        // Hummingbird decodes values but not names, and clients encode `match[type]`'s brackets.
        for (key, value) in request.uri.queryParameters {
            parameters[PercentDecoding.decode(key) ?? String(key)] = String(value)
        }
        var query = try TAXIIQuery(parameters: parameters)
        if let objectID { query.ids = [objectID] }
        let page = try await Self.building.run {
            let assertions = try await member.exportAssertions(kinds: collection.kinds, since: nil)
            return TAXIIPage(of: assertions, query: query, allianceKeyID: member.identity.allianceKey.id)
        }
        if objectID != nil, page.objects.isEmpty {
            throw APIProblem(.notFound, code: "not-found", detail: "no object \(objectID ?? "") in this collection")
        }
        var response = try Self.taxii(body(page))
        if let first = page.first, let last = page.last {
            response.headers[Self.dateAddedFirst] = first.iso8601
            response.headers[Self.dateAddedLast] = last.iso8601
        }
        return response
    }

    /// The collection the path names.
    /// - Throws: ``APIProblem`` `404` for an id that is not one of ``TAXIICollection/all``.
    private static func collection(_ context: BasicRequestContext) throws -> TAXIICollection {
        let id = try APIResponse.parameter("collection", of: context)
        guard let collection = TAXIICollection.all.first(where: { $0.id == id }) else {
            throw APIProblem(
                .notFound,
                code: "not-found",
                detail: "no collection \(id); GET \(root)collections/ lists them"
            )
        }
        return collection
    }

    /// Refuses a request whose `Accept` header admits no TAXII 2.1 answer.
    /// - Throws: ``APIProblem`` `406`.
    private static func acceptable(_ request: Request) throws {
        guard let accept = request.headers[.accept] else { return }
        let admitted = accept.split(separator: ",").contains { range in
            let type = range.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
            let version = range.lowercased().replacingOccurrences(of: " ", with: "")
            return type == "*/*" || type == "application/*"
                || (type == "application/taxii+json"
                    && (!version.contains("version=") || version.contains("version=2.1")))
        }
        guard admitted else {
            throw APIProblem(
                .notAcceptable,
                code: "not-acceptable",
                detail: "this TAXII server answers \(TAXIICollection.taxiiMediaType); Accept was '\(accept)'"
            )
        }
    }

    /// A `200` answer of TAXII's media type, keys sorted.
    private static func taxii(_ object: [String: Any]) throws -> Response {
        let body = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return Response(
            status: .ok,
            headers: [.contentType: TAXIICollection.taxiiMediaType],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: body))
        )
    }
}
