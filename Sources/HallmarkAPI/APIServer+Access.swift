import HTTPTypes
import HallmarkCore
import HallmarkMember
import HallmarkRecords

extension APIServer.Listener {
    /// Whether this is a TCP listener on a loopback address (`127.0.0.0/8`, `::1`, `localhost`), reachable only
    /// from the machine itself.
    public var isLoopback: Bool {
        guard case .tcp(let host, _) = self else { return false }
        if host == "localhost" || host == "::1" || host == "[::1]" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }

    /// Whether requests on this listener need a bearer token: TCP bound to an address that is not loopback.
    public var requiresToken: Bool {
        if case .tcp = self { return !isLoopback }
        return false
    }
}

extension APIServer {
    /// Routes open to anyone, whatever the listener: probes carry no credentials.
    static let openPaths: Set<String> = ["/healthz", "/readyz"]

    /// The `POST` routes that change nothing.
    static let readOnlyPosts: Set<String> = ["/v1/check", "/v1/check/digests", "/v1/hash-image"]

    /// The access a request needs where tokens are checked: `nil` for the probes `/healthz` and `/readyz`, `read` for
    /// `GET`, `POST /v1/check`, `POST /v1/check/digests` and `POST /v1/hash-image` (which answer without changing anything), `write` for everything else, so that a
    /// route added later is protected by default.
    /// - Parameters:
    ///   - method: The request's method.
    ///   - path: The request's path, as sent.
    public static func requiredAccess(method: HTTPRequest.Method, path: String) -> APIToken.Access? {
        if openPaths.contains(path) { return nil }
        if method == .get || method == .head || (method == .post && Self.readOnlyPosts.contains(path)) { return .read }
        return .write
    }

    /// Refuses a server that would listen beyond loopback with no valid API token in the store (so with no way in);
    /// ``run()`` calls it first, and a node may call it before it starts anything else.
    /// - Throws: ``HallmarkError`` `not-permitted` naming the address and what to do.
    public func checkAccessControl() async throws {
        guard let exposed = listeners.first(where: \.requiresToken) else { return }
        guard try await member.validAPITokenCount() > 0 else {
            throw HallmarkError(
                .notPermitted,
                "the HTTP API would listen on \(exposed), which is not a loopback address, and no API token is "
                    + "configured: create one with 'hallmark tokens create --name NAME --access read|write', "
                    + "or bind the API to 127.0.0.1"
            )
        }
    }

    /// Refuses plain HTTP beyond loopback.
    /// - Throws: ``HallmarkError`` `not-permitted` naming the address and what is missing.
    static func checkHTTPS(listeners: [Listener], certificate: APICertificate?) throws {
        guard certificate == nil, let exposed = listeners.first(where: \.requiresToken) else { return }
        throw HallmarkError(
            .notPermitted,
            "the HTTP API would listen on \(exposed), which is not a loopback address, without HTTPS: give it a "
                + "certificate and key (api_tls_certificate and api_tls_key), or bind the API to 127.0.0.1"
        )
    }
}
