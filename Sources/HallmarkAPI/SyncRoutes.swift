import HallmarkDocuments
import Hummingbird

/// `POST /v1/sync`: one round of sync with one peer, run by the node itself, so that what it fetches is in the
/// node's filter at once (`hallmark sync` beside a running node goes this way). A write route.
struct SyncRoutes {
    /// Runs the round; `nil` when the server is not part of a node that syncs (then the route answers 503).
    let sync: APIServer.Sync?

    var routes: [APIRoute] {
        [
            APIRoute(method: .post, path: "/v1/sync") { request, _ in
                let body = try await JSONRequestBody.decode(SyncRequest.self, from: request)
                guard let sync else {
                    throw APIProblem(
                        .serviceUnavailable,
                        code: "no-sync",
                        detail: "this API is not served by a node that syncs; run `hallmark sync` on the data folder"
                    )
                }
                return try APIResponse.json(try await sync(body.peer))
            }
        ]
    }
}
