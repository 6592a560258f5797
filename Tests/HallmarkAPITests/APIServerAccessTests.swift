import Foundation
import HallmarkAPI
import HallmarkCore
import HallmarkMember
import HallmarkRecords
import HallmarkStore
import HallmarkTestSupport
import Logging
import Testing

@Suite("APIServer refuses to listen beyond loopback without HTTPS or without tokens")
struct APIServerAccessTests {
    @Test("beyond loopback without a certificate: refused at once, naming the address and what is missing")
    func withoutHTTPS() async throws {
        let folder = DevelopmentAlliance.temporaryFolder("hallmark-api-nohttps")
        defer { try? FileManager.default.removeItem(at: folder) }
        let node = try await DevelopmentAlliance.makeNode("brand-a", in: folder)
        try await node.createAPIToken(name: "ci", access: .read)
        let error = #expect(throws: HallmarkError.self) {
            try APIServer(member: node, listeners: [.tcp(host: "0.0.0.0", port: 0)], logger: Logger(label: "test"))
        }
        #expect(error?.code == .notPermitted)
        #expect(error?.message.contains("0.0.0.0:0") == true)
        #expect(error?.message.contains("without HTTPS") == true)
        // Loopback and the control socket need neither HTTPS nor tokens.
        let local = try APIServer(
            member: node,
            listeners: [.tcp(host: "127.0.0.1", port: 0), .unixSocket(path: folder.appendingPathComponent("s").path)],
            logger: Logger(label: "test")
        )
        try await local.checkAccessControl()
    }

    @Test("beyond loopback with HTTPS but no valid token: refused before it listens")
    func withoutTokens() async throws {
        let folder = DevelopmentAlliance.temporaryFolder("hallmark-api-notokens")
        defer { try? FileManager.default.removeItem(at: folder) }
        let node = try await DevelopmentAlliance.makeNode("brand-a", in: folder)
        let server = try APIServer(
            member: node,
            listeners: [.unixSocket(path: folder.appendingPathComponent("s").path), .tcp(host: "0.0.0.0", port: 0)],
            certificate: try ExposedAPI.certificate(),
            logger: Logger(label: "test")
        )
        let refused = await #expect(throws: HallmarkError.self) { try await server.run() }
        #expect(refused?.code == .notPermitted)
        #expect(refused?.message.contains("0.0.0.0:0") == true)
        #expect(refused?.message.contains("no API token") == true)
        // The port is never bound: asking for it gives the failure to start, with the refusal in its message.
        let unbound = try await #require(throws: HallmarkError.self) { try await server.port }
        #expect(unbound.code == .peerProblem)
        #expect(unbound.message.contains("did not start"), "\(unbound)")
        #expect(unbound.message.contains("no API token"), "\(unbound)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("s").path))

        // A revoked token lets nobody in: still refused. A valid one will do.
        try await node.createAPIToken(name: "old", access: .write)
        try await node.revokeAPIToken(named: "old")
        let stillRefused = try await #require(throws: HallmarkError.self) { try await server.checkAccessControl() }
        #expect(stillRefused.code == .notPermitted)
        #expect(stillRefused.message.contains("no API token"), "\(stillRefused)")
        try await node.createAPIToken(name: "new", access: .read)
        try await server.checkAccessControl()
    }

    @Test("which listeners are loopback, and which need tokens")
    func loopbackListeners() {
        for host in ["127.0.0.1", "127.1.2.3", "localhost", "::1"] {
            #expect(APIServer.Listener.tcp(host: host, port: 1).isLoopback, "\(host)")
            #expect(!APIServer.Listener.tcp(host: host, port: 1).requiresToken, "\(host)")
        }
        for host in ["0.0.0.0", "10.0.0.1", "128.0.0.1", "127.0.0", "127.0.0.256", "example.com", "::"] {
            #expect(!APIServer.Listener.tcp(host: host, port: 1).isLoopback, "\(host)")
            #expect(APIServer.Listener.tcp(host: host, port: 1).requiresToken, "\(host)")
        }
        #expect(!APIServer.Listener.unixSocket(path: "/tmp/node.sock").requiresToken)
    }
}
