import Foundation
import HallmarkCore
import HallmarkFederation
import HallmarkMember
import HallmarkPKI
import HallmarkProtocol
import HallmarkRecords
import HallmarkStore
import HallmarkTestSupport
import Logging
import SwiftASN1
import Testing
import X509

/// The development alliance's CA with its key, to issue and revoke certificates in tests.
enum DevelopmentAuthority {
    static func load() throws -> AllianceAuthority {
        try AllianceAuthority.load(
            certificateFile: DevelopmentAlliance.folder.appendingPathComponent("ca.pem"),
            keyFile: DevelopmentAlliance.folder.appendingPathComponent("ca-key.pem")
        )
    }

    /// A revocation list (number 1) revoking `certificates` as of a minute ago.
    static func revoking(_ certificates: [Certificate], reason: RevocationReason = .keyCompromise) throws
        -> RevocationList
    {
        let authority = try load()
        let time = Date(timeIntervalSinceNow: -60)
        return try RevocationList(
            number: 1,
            revocations: try certificates.map { try Revocation(certificate: $0, time: time, reason: reason) },
            signedBy: authority
        )
    }

    /// A development member's certificate.
    static func certificate(of member: String) throws -> Certificate {
        try Certificate(pemEncoded: String(contentsOf: DevelopmentAlliance.certificate(member), encoding: .utf8))
    }
}

/// Waits (a bounded number of short polls) until `recorder` holds a line `message` that satisfies `matching`:
/// servers log a refused handshake on their own event loop, a moment after the client sees it fail.
func eventuallyLogged(
    _ recorder: LogRecorder,
    _ message: String,
    matching: (LogRecorder.Line) -> Bool = { _ in true }
) async throws -> LogRecorder.Line? {
    for _ in 0..<200 {
        if let line = recorder.lines(message).first(where: matching) { return line }
        try await Task.sleep(for: .milliseconds(25))
    }
    return nil
}

/// Calls `server` with `credentials`, expects the call to fail, and returns the server's log line saying why.
func expectRefused(
    _ credentials: MemberCredentials,
    by server: ServingNode,
    sourceLocation: SourceLocation = #_sourceLocation
) async throws -> LogRecorder.Line {
    await #expect(throws: (any Error).self, sourceLocation: sourceLocation) {
        _ = try await RawClient.getHeads(
            port: server.port,
            certificatePEM: try credentials.certificatePEM(),
            keyPEM: credentials.privateKeyPEM
        )
    }
    let line = try await eventuallyLogged(server.logs, "refused a client's certificate")
    return try #require(line, "the server logged no refusal: \(server.logs.all)", sourceLocation: sourceLocation)
}

@Suite("Handshake: only current members of the alliance get in")
struct HandshakeTests {
    @Test("a client without a certificate is refused, and the server logs its address and why")
    func noCertificate() async throws {
        let server = try await ServingNode.start("brand-b")
        defer { Task { await server.stop() } }
        await #expect(throws: (any Error).self) {
            _ = try await RawClient.getHeads(port: server.port, certificatePEM: nil, keyPEM: nil)
        }
        let line = try await eventuallyLogged(server.logs, "refused a TLS connection")
        let logged = try #require(line, "the server logged nothing: \(server.logs.all)")
        #expect(logged.metadata["peer.address"]?.contains("127.0.0.1") == true)
        #expect(logged.metadata["error"]?.uppercased().contains("CERTIFICATE") == true)
    }

    @Test("a client with a certificate from another CA is refused, and the server logs who and why")
    func anotherCA() async throws {
        let server = try await ServingNode.start("brand-b")
        defer { Task { await server.stop() } }
        let other = try AllianceAuthority.create(name: "Other Alliance")
        let credentials = try other.issueMember(id: try MemberID("brand-b"), name: "Impostor B", hosts: ["127.0.0.1"])
        let logged = try await expectRefused(credentials, by: server)
        #expect(logged.metadata["peer.member"] == "brand-b")
        #expect(logged.metadata["peer.issuer"]?.contains("Other Alliance") == true)
        #expect(logged.metadata["error"]?.contains("was not issued by the alliance CA") == true)
        #expect(try await eventuallyLogged(server.logs, "refused a TLS connection") != nil)
    }

    @Test("a client with an expired certificate is refused, and the server logs who and why")
    func expired() async throws {
        let server = try await ServingNode.start("brand-b")
        defer { Task { await server.stop() } }
        let authority = try DevelopmentAuthority.load()
        // Valid for a second from the CA's own start, so long past now.
        let credentials = try authority.issueMember(
            id: try MemberID("late-d"),
            name: "Late D",
            hosts: ["127.0.0.1"],
            validity: 1,
            now: authority.certificate.notValidBefore
        )
        let logged = try await expectRefused(credentials, by: server)
        #expect(logged.metadata["peer.member"] == "late-d")
        #expect(logged.metadata["error"]?.contains("expired on") == true)
    }

    @Test("a revoked member is refused, a fresh one of the same CA gets in, and the server logs who and why")
    func revokedClient() async throws {
        let authority = try DevelopmentAuthority.load()
        let revoked = try authority.issueMember(id: try MemberID("rogue-d"), name: "Rogue D", hosts: ["127.0.0.1"])
        let fresh = try authority.issueMember(id: try MemberID("fresh-e"), name: "Fresh E", hosts: ["127.0.0.1"])
        let list = try DevelopmentAuthority.revoking([revoked.certificate])
        let server = try await ServingNode.start("brand-b", revocations: list)
        defer { Task { await server.stop() } }

        // The same kind of client, with a certificate that is not revoked, is served: the refusal is the revocation.
        let heads = try await RawClient.getHeads(
            port: server.port,
            certificatePEM: try fresh.certificatePEM(),
            keyPEM: fresh.privateKeyPEM
        )
        #expect(heads.member == "brand-b")

        let logged = try await expectRefused(revoked, by: server)
        #expect(logged.metadata["peer.member"] == "rogue-d")
        #expect(logged.metadata["peer.serial"] == revoked.certificate.serialNumber.hexText)
        #expect(logged.metadata["error"]?.contains("was revoked as of") == true)
    }

    @Test("a client does not sync with a revoked server, and logs who and why")
    func revokedServer() async throws {
        let b = try await ServingNode.start("brand-b")
        let list = try DevelopmentAuthority.revoking([try DevelopmentAuthority.certificate(of: "brand-b")])
        let c = try await ServingNode.start("market-c", revocations: list)
        defer {
            Task {
                await b.stop()
                await c.stop()
            }
        }
        try await b.member.submit([Submission(identifier: try Identifier(kind: .sku, value: "B-1"))])
        await #expect(throws: (any Error).self) { _ = try await c.sync(from: b) }
        let line = try await eventuallyLogged(c.logs, "refused a server's certificate")
        let logged = try #require(line, "the client logged no refusal: \(c.logs.all)")
        #expect(logged.metadata["peer.member"] == "brand-b")
        #expect(logged.metadata["error"]?.contains("was revoked as of") == true)
        #expect(try await c.member.status().store.entryCount == 0)
    }
}
