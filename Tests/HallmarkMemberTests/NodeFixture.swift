import Foundation
import HallmarkCore
import HallmarkMember
import HallmarkRecords
import HallmarkStore
import HallmarkTestSupport
import Logging

/// A member node from the development alliance in a temporary data folder.
struct NodeFixture {
    let folder: URL
    let node: Member

    static func make(_ member: String) async throws -> NodeFixture {
        let folder = DevelopmentAlliance.temporaryFolder("hallmark-node")
        return NodeFixture(folder: folder, node: try await DevelopmentAlliance.makeNode(member, in: folder))
    }

    /// Reopens the same data folder, as after a restart.
    func reopened() async throws -> Member {
        try await node.close()
        return try await Member.open(dataDirectory: folder, logger: Logger(label: "test"))
    }

    func remove() { try? FileManager.default.removeItem(at: folder) }

    /// Receives what this node lacks of `origin`'s log from `source`, as a relay would hand it on.
    func receive(logOf origin: MemberID, from source: Member) async throws {
        try await DevelopmentAlliance.relay(logOf: origin, from: source, to: node)
    }
}
