import Foundation
import HallmarkCore
import HallmarkMember
import HallmarkProtocol
import HallmarkTestSupport
import Logging
import Synchronization
import Testing

@testable import HallmarkFederation

@Suite("WatchHeads: the heads held first, then every new checkpoint")
struct WatchHeadsTests {
    @Test("a watcher gets every head the server holds before anything new is committed, then the new checkpoint")
    func heldHeadsFirst() async throws {
        try await ServingNode.withNodes(["brand-a", "brand-b"]) { nodes in
            let (a, b) = (nodes[0], nodes[1])
            try await a.member.submit([Submission(identifier: try Identifier(kind: .sku, value: "WATCH-1"))])
            let seen = Seen()
            try await PeerConnection.with(
                a.address,
                identity: b.member.identity,
                revocations: { nil },
                logger: Logger(label: "test")
            ) { connection in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        try await connection.watch { head in
                            let checkpoint = try Checkpoint(decoding: Array(head.checkpoint))
                            seen.sizes.withLock { $0.append(checkpoint.treeSize) }
                        }
                    }
                    // Nothing new is committed until the held head has come: it comes unprompted.
                    try await Self.waitUntil { seen.sizes.withLock { $0 == [1] } }
                    try await a.member.submit([Submission(identifier: try Identifier(kind: .sku, value: "WATCH-2"))])
                    try await Self.waitUntil { seen.sizes.withLock { $0 == [1, 2] } }
                    group.cancelAll()
                }
            }
        }
    }

    /// The tree sizes of the heads received, in order.
    final class Seen: Sendable {
        let sizes = Mutex<[UInt64]>([])
    }

    static func waitUntil(_ condition: () -> Bool) async throws {
        for _ in 0..<500 where !condition() { try await Task.sleep(for: .milliseconds(20)) }
        #expect(condition())
    }
}
