import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import HallmarkProtocol
import HallmarkTestSupport

/// A federation client made by hand, with whatever certificate a test gives it (or none), trusting the development
/// alliance CA: to see what a node's listener does with callers that are not proper members, or with requests no
/// honest node sends.
enum RawClient {
    /// Runs `body` with a client of the listener at `127.0.0.1:port`; with TLS only when no certificate is given.
    static func withClient<Result: Sendable>(
        port: Int,
        certificatePEM: String?,
        keyPEM: String?,
        _ body: (Hallmark_V1_Federation.Client<HTTP2ClientTransport.Posix>) async throws -> Result
    ) async throws -> Result {
        let caPEM = Array(
            try String(contentsOf: DevelopmentAlliance.folder.appendingPathComponent("ca.pem"), encoding: .utf8).utf8
        )
        let security: HTTP2ClientTransport.Posix.TransportSecurity
        if let certificatePEM, let keyPEM {
            security = .mTLS(
                certificateChain: [.bytes(Array(certificatePEM.utf8), format: .pem)],
                privateKey: .bytes(Array(keyPEM.utf8), format: .pem)
            ) { tls in
                tls.trustRoots = .certificates([.bytes(caPEM, format: .pem)])
                tls.serverCertificateVerification = .noHostnameVerification
            }
        } else {
            security = .tls { tls in
                tls.trustRoots = .certificates([.bytes(caPEM, format: .pem)])
                tls.serverCertificateVerification = .noHostnameVerification
            }
        }
        let transport = try HTTP2ClientTransport.Posix(
            target: .ipv4(address: "127.0.0.1", port: port),
            transportSecurity: security,
            config: .defaults
        )
        return try await withGRPCClient(transport: transport) { grpc in
            try await body(Hallmark_V1_Federation.Client(wrapping: grpc))
        }
    }

    /// Calls `GetHeads` on the listener at `127.0.0.1:port`; with TLS only when no certificate is given.
    static func getHeads(port: Int, certificatePEM: String?, keyPEM: String?) async throws
        -> Hallmark_V1_GetHeadsResponse
    {
        try await withClient(port: port, certificatePEM: certificatePEM, keyPEM: keyPEM) { client in
            try await getHeads(client)
        }
    }

    /// Calls `GetHeads` with `client`, protocol version 1.
    static func getHeads(
        _ client: Hallmark_V1_Federation.Client<HTTP2ClientTransport.Posix>
    ) async throws -> Hallmark_V1_GetHeadsResponse {
        var request = Hallmark_V1_GetHeadsRequest()
        request.protocolVersion = 1
        return try await client.getHeads(request, options: callOptions)
    }

    /// Two minutes: the whole suite on two cores can keep a call waiting for half a minute before it is served.
    static var callOptions: CallOptions {
        var options = CallOptions.defaults
        options.timeout = .seconds(120)
        return options
    }
}
