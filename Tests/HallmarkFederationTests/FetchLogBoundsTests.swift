import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import HallmarkCore
import HallmarkFederation
import HallmarkMember
import HallmarkProtocol
import HallmarkTestSupport
import Testing

/// A member's FetchLog request may carry any 64-bit values; none of them may bring the node down.
@Suite("FetchLog with extreme values: an error for the caller, the node lives")
struct FetchLogBoundsTests {
    static let sizes: [UInt64] = [
        0, 1, 2, 3, 4, UInt64(Int64.max) - 1, UInt64(Int64.max), 1 << 63, UInt64.max - 1, .max,
    ]
    static let chunkSizes: [UInt32] = [0, 1, 8192, 8193, .max]

    /// Rates high enough that none of the 500 calls is refused for its rate (``FetchRateTests`` covers that).
    static let limits = ConnectionLimits(
        handshakeTimeout: ConnectionLimits.underTest.handshakeTimeout,
        fetchRatePerPeer: CallRate(perSecond: 100_000),
        fetchRatePerOrigin: CallRate(perSecond: 100_000)
    )

    @Test("every start, tree_size and chunk size from the extremes gets a gRPC status, then the node still serves")
    func extremes() async throws {
        try await ServingNode.withNodes(["brand-a", "market-c"], limits: Self.limits) { nodes in
            let (a, c) = (nodes[0], nodes[1])
            try await a.member.submit([Submission(identifier: try Identifier(kind: .sku, value: "X-1"))])
            try await a.member.submit([Submission(identifier: try Identifier(kind: .sku, value: "X-2"))])
            let certificatePEM = try String(contentsOf: DevelopmentAlliance.certificate("market-c"), encoding: .utf8)
            let keyPEM = try String(
                contentsOf: DevelopmentAlliance.folder.appendingPathComponent("market-c/member-key.pem"),
                encoding: .utf8
            )
            var statuses: [RPCError.Code: Int] = [:]
            var served = 0
            try await RawClient.withClient(port: a.port, certificatePEM: certificatePEM, keyPEM: keyPEM) {
                client in
                for start in Self.sizes {
                    for treeSize in Self.sizes {
                        for perChunk in Self.chunkSizes {
                            var request = Hallmark_V1_FetchLogRequest()
                            request.origin = "brand-a"
                            request.start = start
                            request.treeSize = treeSize
                            request.maxEntriesPerChunk = perChunk
                            do {
                                try await client.fetchLog(request, options: RawClient.callOptions) { response in
                                    for try await _ in response.messages {}
                                }
                                served += 1
                            } catch let error as RPCError {
                                statuses[error.code, default: 0] += 1
                                #expect(
                                    [.invalidArgument, .notFound].contains(error.code),
                                    "start \(start), tree_size \(treeSize), max \(perChunk): \(error)"
                                )
                            }
                        }
                    }
                }
                // The same connection still works: the node is alive and serving.
                #expect(try await RawClient.getHeads(client).member == "brand-a")
            }
            // Only the ranges of checkpoints held (sizes 1 and 2) with an allowed chunk size are served.
            #expect(served > 0 && statuses[.invalidArgument, default: 0] > 0 && statuses[.notFound, default: 0] > 0)
            // And an honest peer still syncs from it.
            #expect(try await c.sync(from: a).fetched[a.id] == 2)
        }
    }
}
