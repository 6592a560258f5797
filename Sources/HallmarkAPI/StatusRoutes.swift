import HallmarkCore
import HallmarkDocuments
import HallmarkMember
import HallmarkRecords
import Hummingbird
import NIOCore
import Prometheus

/// `GET /v1/status`, `GET /v1/peers`, `GET /healthz`, `GET /readyz`, `GET /metrics` and `GET /openapi.json`.
struct StatusRoutes {
    /// The media type of the Prometheus text exposition format.
    static let metricsMediaType = "text/plain; version=0.0.4; charset=utf-8"

    let member: Member
    let peers: [APIServer.Peer]
    let metrics: PrometheusCollectorRegistry

    var routes: [APIRoute] {
        [
            APIRoute(method: .get, path: "/v1/status") { _, _ in
                try APIResponse.json(APIDocument.StatusBody(try await member.status()))
            },
            APIRoute(method: .get, path: "/v1/peers") { _, _ in
                try APIResponse.json(try await peerDocument())
            },
            APIRoute(method: .get, path: "/healthz") { _, _ in
                try APIResponse.json(APIDocument.Health(status: "ok"))
            },
            APIRoute(method: .get, path: "/readyz") { _, _ in
                try await readiness()
            },
            APIRoute(method: .get, path: "/metrics") { _, _ in
                // The gauges of state are read now; counters and histograms are kept as things happen.
                try await member.recordStateMetrics()
                return Response(
                    status: .ok,
                    headers: [.contentType: Self.metricsMediaType],
                    body: ResponseBody(byteBuffer: ByteBuffer(bytes: MetricsExposition.render(metrics)))
                )
            },
            APIRoute(method: .get, path: "/openapi.json") { _, _ in
                Response(
                    status: .ok,
                    headers: [.contentType: "application/json"],
                    body: ResponseBody(byteBuffer: ByteBuffer(bytes: OpenAPIDocument.bytes))
                )
            },
        ]
    }

    private func peerDocument() async throws -> APIDocument.Peers {
        let rejections = try await member.peerRejections()
        let configured = Set(peers.map(\.member))
        return APIDocument.Peers(
            peers: peers.map { peer in
                APIDocument.Peer(
                    member: peer.member.rawValue,
                    address: peer.address,
                    rejections: rejections.filter { $0.peer == peer.member }.map(APIDocument.Rejection.init),
                    sync: member.peerSyncs.status(of: peer.member).map(APIDocument.PeerSync.init)
                )
            },
            otherRejections: rejections.filter { !configured.contains($0.peer) }.map(APIDocument.Rejection.init),
            refusals: member.refusals.all.map(APIDocument.Refusal.init),
            offeringMembers: member.peerSyncs.all.filter { !configured.contains($0.key) }
                .sorted { $0.key.rawValue < $1.key.rawValue }
                .map { APIDocument.OfferingMember(member: $0.key.rawValue, sync: APIDocument.PeerSync($0.value)) }
        )
    }

    /// Ready once the node's filter is loaded (the store loads it, from its snapshot or by a rebuild, before the
    /// node opens) and the store answers a read.
    private func readiness() async throws -> Response {
        do {
            try await member.probeStore()
        } catch {
            throw APIProblem(.serviceUnavailable, code: "not-ready", detail: "the store does not answer: \(error)")
        }
        guard member.isFilterLoaded else {
            throw APIProblem(
                .serviceUnavailable,
                code: "not-ready",
                detail: "the Bloom filter is being built; checks are answered from the store's index (slower) meanwhile"
            )
        }
        guard member.isListedTableReady else {
            throw APIProblem(
                .serviceUnavailable,
                code: "not-ready",
                detail:
                    "the listed table is being built; positive checks are answered from the store (slower) meanwhile"
            )
        }
        return try APIResponse.json(APIDocument.Health(status: "ready"))
    }
}
