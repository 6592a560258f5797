import Foundation
import HallmarkAPI
import HallmarkCore
import HallmarkDocuments
import HallmarkMember
import HallmarkRecords
import HallmarkStore
import HallmarkTestSupport
import Logging
import NIOHTTP1
import ServiceLifecycle
import Testing

@Suite("APIServer: TCP and Unix socket listeners, lifecycle")
struct APIServerTests {
    @Test("the API answers over the Unix socket, mode 0600, and the socket file is removed at shutdown")
    func unixSocket() async throws {
        var socketPath = ""
        try await RunningAPI.with { api in
            socketPath = api.socketPath
            #expect(api.port > 0)
            let attributes = try FileManager.default.attributesOfItem(atPath: api.socketPath)
            #expect((attributes[.posixPermissions] as? Int) == 0o600)
            let host = api.socketPath.addingPercentEncoding(withAllowedCharacters: .urlHostAllowed) ?? ""
            let health = try await RunningAPI.call(.GET, url: "http+unix://\(host)/healthz")
            #expect(health.status == 200)
            let check = try await RunningAPI.call(
                .POST,
                url: "http+unix://\(host)/v1/check",
                body: Data(#"{"identifiers": [{"kind": "sku", "value": "A-1"}]}"#.utf8)
            )
            #expect(try check.decode(APIDocument.Verdicts.self).verdicts.first?.status == "not_listed")
        }
        #expect(!FileManager.default.fileExists(atPath: socketPath))
    }

    @Test("a second server on a live socket is refused; a stale socket file is replaced")
    func socketOwnership() async throws {
        try await RunningAPI.with { api in
            let second = try APIServer(
                member: api.node,
                listeners: [.unixSocket(path: api.socketPath)],
                logger: Logger(label: "test")
            )
            let error = await #expect(throws: HallmarkError.self) { try await second.run() }
            #expect(error?.code == .fileProblem)
            #expect(FileManager.default.fileExists(atPath: api.socketPath))
        }

        let folder = DevelopmentAlliance.temporaryFolder("hallmark-api-stale")
        defer { try? FileManager.default.removeItem(at: folder) }
        let node = try await DevelopmentAlliance.makeNode("brand-a", in: folder)
        let path = folder.appendingPathComponent("node.sock").path
        try Self.leaveStaleSocket(at: path)
        let server = try APIServer(member: node, listeners: [.unixSocket(path: path)], logger: Logger(label: "test"))
        let group = ServiceGroup(services: [server], logger: Logger(label: "test"))
        let running = Task { try await group.run() }
        let host = path.addingPercentEncoding(withAllowedCharacters: .urlHostAllowed) ?? ""
        var answered = false
        for _ in 0..<200 where !answered {
            answered = (try? await RunningAPI.call(.GET, url: "http+unix://\(host)/readyz").status) == 200
            if !answered { try await Task.sleep(for: .milliseconds(25)) }
        }
        #expect(answered)
        await group.triggerGracefulShutdown()
        try await running.value
    }

    @Test("a server with no listener is refused")
    func noListener() async throws {
        let folder = DevelopmentAlliance.temporaryFolder("hallmark-api-none")
        defer { try? FileManager.default.removeItem(at: folder) }
        let node = try await DevelopmentAlliance.makeNode("brand-a", in: folder)
        let error = try #require(throws: HallmarkError.self) {
            try APIServer(member: node, listeners: [], logger: Logger(label: "test"))
        }
        #expect(error.code == .invalidValue)
        #expect(error.message.contains("needs a TCP address or a Unix socket path"), "\(error)")
    }

    /// A socket file bound and closed, as a node killed with SIGKILL leaves it.
    private static func leaveStaleSocket(at path: String) throws {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            buffer.initializeMemory(as: UInt8.self, repeating: 0)
            buffer.copyBytes(from: path.utf8.prefix(buffer.count - 1))
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        try #require(bound == 0)
    }
}
