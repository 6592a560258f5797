import Foundation
import HallmarkAPI
import HallmarkCore
import HallmarkFederation
import HallmarkMember

/// How a node runs: where it listens and which peers it syncs with.
///
/// Read from a JSON file (every key optional), then overridden by command-line flags:
/// ```json
/// {
///   "listen": "0.0.0.0:7400",
///   "api": "127.0.0.1:7480",
///   "peers": ["brand-b@hallmark.brand-b.example:7400"],
///   "sync_interval_seconds": 30,
///   "fetch_idle_timeout_seconds": 30,
///   "handshake_timeout_seconds": 10,
///   "max_connections_per_address": 64,
///   "max_connections": 512,
///   "max_fetches_per_peer": 8,
///   "fetches_per_second_per_peer": 20,
///   "fetches_per_second_per_origin": 2,
///   "access_log": false,
///   "api_threads": 1,
///   "accept_offers": true,
///   "image_match_distance": 31,
///   "image_quality_floor": 50,
///   "api_tls_certificate": "/etc/hallmark/api.pem",
///   "api_tls_key": "/etc/hallmark/api-key.pem"
/// }
/// ```
/// Relative file paths in the file are taken from the file's folder.
public struct NodeConfiguration: Sendable, Equatable {
    /// The federation listener (default `127.0.0.1:7400`).
    public var listen = ListenAddress(host: "127.0.0.1", port: 7400)
    /// The local HTTP API's TCP address (default `127.0.0.1:7480`).
    public var api = ListenAddress(host: "127.0.0.1", port: 7480)
    /// The peers to sync with, each with the member expected in its certificate.
    public var peers: [PeerAddress] = []
    /// Seconds between full anti-entropy rounds with each peer (default 30).
    public var syncIntervalSeconds = 30
    /// Seconds a fetch waits for a peer's next chunk before it rejects the peer's log as stalled (default 30).
    public var fetchIdleTimeoutSeconds = Int(FederationLimits.defaultFetchIdleTimeout.components.seconds)
    /// Seconds an accepted federation connection has to finish its TLS handshake (default 10).
    public var handshakeTimeoutSeconds = 10
    /// The most federation connections kept from one address (default 64).
    public var maximumConnectionsPerAddress = 64
    /// The most federation connections kept in all, the configured peers' addresses aside (default 512).
    public var maximumConnections = 512
    /// The most FetchLog streams one member may have open on this node at once (default 8).
    public var maximumFetchesPerPeer = 8
    /// FetchLog calls a second one member may make of this node, bursts of five seconds' worth (default 20).
    public var fetchesPerSecondPerPeer = 20
    /// FetchLog calls a second one member may make for one origin's log (default 2).
    public var fetchesPerSecondPerOrigin = 2
    /// Whether the HTTP API logs every request (`info`: method, route pattern, status, milliseconds); default false.
    public var accessLog = false
    /// How many threads serve the HTTP API and answer single checks (`api_threads`, 1–256); by default one fewer than
    /// the machine's cores, and at least one (``APIServer/defaultEventLoopThreads``).
    public var apiThreads = APIServer.defaultEventLoopThreads
    /// The values ``apiThreads`` may take.
    public static let apiThreadRange = APIServer.eventLoopThreadRange
    /// Whether members that dial this node may offer their logs over their own connection (Protocol/PROTOCOL.md
    /// §4.5), which is how a member that cannot take inbound connections shares; default true. Offered logs are
    /// checked exactly as pulled ones.
    public var acceptOffers = true
    /// How PDQ image hashes are matched and accepted: `image_match_distance` (0–32, default 31), the largest Hamming
    /// distance at which a listed hash matches a checked one, and `image_quality_floor` (0–100, default 50), the
    /// lowest quality an `image-pdq` submission may give.
    public var imageMatching = ImageMatching()
    /// The certificate chain (PEM) the HTTP API serves HTTPS with; `nil` for the member certificate when the API is
    /// not on loopback, plain HTTP on loopback.
    public var apiTLSCertificate: URL?
    /// The private key (PEM) of ``apiTLSCertificate``; the two go together.
    public var apiTLSKey: URL?

    /// The defaults.
    public init() {}

    /// Reads a configuration file.
    /// - Throws: ``HallmarkError`` naming the file and the key that is wrong.
    public init(file: URL) throws {
        guard let data = FileManager.default.contents(atPath: file.path) else {
            throw HallmarkError(.fileProblem, "cannot read the configuration file", location: file.path)
        }
        let object: [String: Any]
        do {
            guard let parsed = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw HallmarkError(.malformed, "expected a JSON object", location: file.path)
            }
            object = parsed
        } catch let error as HallmarkError {
            throw error
        } catch {
            throw HallmarkError(.malformed, "not valid JSON", location: file.path)
        }
        self.init()
        let known = [
            "listen", "api", "peers", "sync_interval_seconds", "fetch_idle_timeout_seconds",
            "handshake_timeout_seconds",
            "max_connections_per_address", "max_connections", "max_fetches_per_peer", "fetches_per_second_per_peer",
            "fetches_per_second_per_origin", "access_log", "api_threads", "accept_offers", "api_tls_certificate",
            "api_tls_key",
            "image_match_distance", "image_quality_floor",
        ]
        for key in object.keys where !known.contains(key) {
            throw HallmarkError(
                .malformed,
                "unknown key '\(key)' (known: \(known.joined(separator: ", ")))",
                location: file.path
            )
        }
        func string(_ key: String) throws -> String? {
            guard let value = object[key] else { return nil }
            guard let text = value as? String else {
                throw HallmarkError(.malformed, "\(key): expected a string", location: file.path)
            }
            return text
        }
        do {
            if let listen = try string("listen") { self.listen = try ListenAddress(parsing: listen) }
            if let api = try string("api") { self.api = try ListenAddress(parsing: api) }
            if let peers = object["peers"] {
                guard let list = peers as? [String] else {
                    throw HallmarkError(.malformed, "peers: expected a list of \"MEMBER@HOST:PORT\" strings")
                }
                self.peers = try list.map { try PeerAddress(parsing: $0) }
            }
            func wholeNumber(_ key: String, _ range: ClosedRange<Int>) throws -> Int? {
                guard let value = object[key] else { return nil }
                guard let number = value as? Int, range.contains(number) else {
                    throw HallmarkError(
                        .malformed,
                        "\(key): expected a whole number from \(range.lowerBound) to \(range.upperBound)"
                    )
                }
                return number
            }
            if let seconds = try wholeNumber("sync_interval_seconds", 1...86_400) { syncIntervalSeconds = seconds }
            if let seconds = try wholeNumber("fetch_idle_timeout_seconds", 1...3_600) {
                fetchIdleTimeoutSeconds = seconds
            }
            if let seconds = try wholeNumber("handshake_timeout_seconds", 1...300) { handshakeTimeoutSeconds = seconds }
            if let count = try wholeNumber("max_connections_per_address", 1...100_000) {
                maximumConnectionsPerAddress = count
            }
            if let count = try wholeNumber("max_connections", 1...100_000) { maximumConnections = count }
            if let count = try wholeNumber("max_fetches_per_peer", 1...1_000) { maximumFetchesPerPeer = count }
            if let rate = try wholeNumber("fetches_per_second_per_peer", 1...100_000) { fetchesPerSecondPerPeer = rate }
            if let rate = try wholeNumber("fetches_per_second_per_origin", 1...100_000) {
                fetchesPerSecondPerOrigin = rate
            }
            if let threads = try wholeNumber("api_threads", Self.apiThreadRange) { apiThreads = threads }
            if let distance = try wholeNumber("image_match_distance", ImageMatching.distances) {
                imageMatching.maximumDistance = distance
            }
            if let quality = try wholeNumber("image_quality_floor", ImageMatching.qualities) {
                imageMatching.minimumQuality = quality
            }
            for (key, setting) in [("access_log", \Self.accessLog), ("accept_offers", \Self.acceptOffers)] {
                guard let value = object[key] else { continue }
                guard let flag = value as? Bool else {
                    throw HallmarkError(.malformed, "\(key): expected true or false")
                }
                self[keyPath: setting] = flag
            }
            let folder = file.deletingLastPathComponent()
            for (key, path) in [("api_tls_certificate", \Self.apiTLSCertificate), ("api_tls_key", \Self.apiTLSKey)] {
                guard let value = try string(key) else { continue }
                guard !value.isEmpty else { throw HallmarkError(.malformed, "\(key): expected a file path") }
                self[keyPath: path] = URL(fileURLWithPath: value, relativeTo: folder).standardizedFileURL
            }
        } catch let error as HallmarkError {
            throw error.location == nil ? error.at(file.path) : error
        }
    }

    /// What peers can hold open on the federation listener; the configured peers' IPv4 addresses are exempt from the
    /// total (a peer named by a DNS name is not: its address is not known before it connects).
    public var connectionLimits: ConnectionLimits {
        ConnectionLimits(
            handshakeTimeout: .seconds(handshakeTimeoutSeconds),
            maximumPerAddress: maximumConnectionsPerAddress,
            maximumTotal: maximumConnections,
            reservedAddresses: Set(peers.map(\.host).filter { PeerAddress.isIPv4($0) }),
            maximumFetchesPerPeer: maximumFetchesPerPeer,
            fetchRatePerPeer: CallRate(perSecond: Double(fetchesPerSecondPerPeer)),
            fetchRatePerOrigin: CallRate(perSecond: Double(fetchesPerSecondPerOrigin))
        )
    }

    /// What the HTTP API serves HTTPS with: the configured certificate and key; else, when the API is not on
    /// loopback, the member certificate and key installed in `dataDirectory`; else nothing (plain HTTP on loopback).
    /// - Throws: ``HallmarkError`` `invalid-value` when only one of ``apiTLSCertificate`` and ``apiTLSKey`` is set;
    ///   errors of ``APICertificate/init(certificateFile:keyFile:)`` naming the file that cannot serve.
    public func apiCertificate(dataDirectory: URL) throws -> APICertificate? {
        switch (apiTLSCertificate, apiTLSKey) {
        case (let certificate?, let key?):
            return try APICertificate(certificateFile: certificate, keyFile: key)
        case (nil, nil):
            guard !APIServer.Listener.tcp(host: api.host, port: api.port).isLoopback else { return nil }
            let files = NodeIdentity.installedCredentialFiles(in: dataDirectory)
            return try APICertificate(certificateFile: files.certificate, keyFile: files.key)
        default:
            throw HallmarkError(
                .invalidValue,
                "api_tls_certificate and api_tls_key (--api-tls-certificate, --api-tls-key) go together: give both "
                    + "or neither"
            )
        }
    }
}
