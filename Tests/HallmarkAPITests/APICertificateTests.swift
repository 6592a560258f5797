import AsyncHTTPClient
import Foundation
import HallmarkAPI
import HallmarkCore
import HallmarkRecords
import HallmarkStore
import HallmarkTestSupport
import NIOCore
import NIOHTTP1
import NIOSSL
import Testing

@Suite("HTTPS for the API")
struct APICertificateTests {
    @Test("the API serves HTTPS with a member certificate that a client trusting only the alliance CA verifies")
    func servesVerifiedHTTPS() async throws {
        try await ExposedAPI.with(tokens: ["reader": .read]) { api in
            // ExposedAPI.client trusts the alliance CA alone and verifies the name 127.0.0.1 against the certificate.
            let status = try await api.call(.GET, "/v1/status", token: "reader")
            #expect(status.status == 200)
            let body = try JSONSerialization.jsonObject(with: status.body) as? [String: Any]
            #expect(body?["member"] as? String == "brand-a")

            // A client that trusts only the system's roots refuses the certificate; one stuck at TLS 1.1 gets no
            // connection. (Each retries until its connect timeout, then reports the last handshake failure: five
            // seconds let a first handshake finish on a machine loaded by the whole suite.)
            let untrusting = ExposedAPI.client(connectTimeout: .seconds(5)) { $0.trustRoots = .default }
            let old = ExposedAPI.client(connectTimeout: .seconds(5)) {
                $0.trustRoots = .file(DevelopmentAlliance.folder.appendingPathComponent("ca.pem").path)
                $0.maximumTLSVersion = .tlsv11
            }
            for (client, reason) in [(untrusting, "CERTIFICATE_VERIFY_FAILED"), (old, "PROTOCOL_VERSION")] {
                let error = await #expect(throws: (any Error).self) {
                    _ = try await RunningAPI.call(.GET, url: "https://127.0.0.1:\(api.port)/healthz", client: client)
                }
                #expect(String(reflecting: error).contains(reason), "\(String(reflecting: error))")
                try await client.shutdown()
            }
            // Plain HTTP to the HTTPS port gets no answer.
            await #expect(throws: (any Error).self) {
                _ = try await RunningAPI.call(.GET, url: "http://127.0.0.1:\(api.port)/healthz")
            }
        }
    }

    @Test("a certificate with another member's key, a missing file, or a file that is no PEM is refused, naming it")
    func badCredentials() throws {
        let mismatched = #expect(throws: HallmarkError.self) { try ExposedAPI.certificate("brand-a", key: "brand-b") }
        #expect(mismatched?.code == .untrustedCredential)
        #expect(mismatched?.location?.hasSuffix("brand-b/member-key.pem") == true)

        let missing = DevelopmentAlliance.folder.appendingPathComponent("nobody/member.pem")
        let unreadable = #expect(throws: HallmarkError.self) {
            try APICertificate(certificateFile: missing, keyFile: missing)
        }
        #expect(unreadable?.code == .fileProblem)
        #expect(unreadable?.location == missing.path)

        let notPEM = DevelopmentAlliance.folder.appendingPathComponent("alliance.key")
        let malformed = #expect(throws: HallmarkError.self) {
            try APICertificate(certificateFile: notPEM, keyFile: notPEM)
        }
        #expect(malformed?.code == .malformed)
        #expect(malformed?.location == notPEM.path)
    }
}
