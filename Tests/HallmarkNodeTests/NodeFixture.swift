import Foundation
import HallmarkCore
import HallmarkNode
import HallmarkStore
import Logging
import Testing

/// A member node from the development alliance in a temporary data folder.
struct NodeFixture {
    static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
            url.deleteLastPathComponent()
        }
        return url
    }()

    static let dev = packageRoot.appendingPathComponent("Certificates/dev")

    let folder: URL
    let node: MemberNode

    static func make(_ member: String) async throws -> NodeFixture {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hallmark-node-\(UUID().uuidString)")
        let node = try await MemberNode.initialize(
            dataDirectory: folder,
            memberCertificate: dev.appendingPathComponent("\(member)/member.pem"),
            memberKey: dev.appendingPathComponent("\(member)/member-key.pem"),
            allianceCA: dev.appendingPathComponent("ca.pem"),
            allianceKey: dev.appendingPathComponent("alliance.key"),
            logger: Logger(label: "test")
        )
        return NodeFixture(folder: folder, node: node)
    }

    /// Reopens the same data folder, as after a restart.
    func reopened() async throws -> MemberNode {
        try await node.close()
        return try await MemberNode.open(dataDirectory: folder, logger: Logger(label: "test"))
    }

    func remove() { try? FileManager.default.removeItem(at: folder) }

    /// Copies every entry of `origin`'s log from `source` into this node's store, as a relay would:
    /// the exact bytes and the origin's signed checkpoint, recorded as received from `source`.
    func receive(logOf origin: MemberID, from source: MemberNode) async throws {
        guard let checkpoint = try await source.store.latestCheckpoint(of: origin) else { return }
        let have = try await node.store.logHead(of: origin)?.treeSize ?? 0
        var items: [LogBatch.Item] = []
        for index in have..<checkpoint.treeSize {
            let bytes = try await source.store.entryBytes(origin: origin, index: index)
            items.append(LogBatch.Item(entry: try Entry(decoding: bytes), bytes: bytes))
        }
        let pem = try #require(try await source.store.memberCertificatePEM(origin))
        try await node.receive(
            LogBatch(origin: origin, items: items, checkpoint: checkpoint, receivedFrom: source.identity.member),
            originCertificatePEM: pem
        )
    }
}
