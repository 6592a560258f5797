import HallmarkCore

/// A peer to sync with: the member expected in its certificate, and where its node listens.
///
/// Written `MEMBER@HOST:PORT`, such as `brand-b@127.0.0.1:7401`.
public struct PeerAddress: Sendable, Hashable, CustomStringConvertible {
    /// The member whose certificate the peer must present.
    public var member: MemberID
    /// The host name or IPv4 address.
    public var host: String
    /// The TCP port.
    public var port: Int

    /// Creates an address.
    public init(member: MemberID, host: String, port: Int) {
        self.member = member
        self.host = host
        self.port = port
    }

    /// Parses `MEMBER@HOST:PORT`.
    /// - Throws: ``HallmarkError`` `invalid-value` naming what is wrong.
    public init(parsing text: String) throws {
        guard let at = text.firstIndex(of: "@"), let colon = text.lastIndex(of: ":"), at < colon else {
            throw HallmarkError(.invalidValue, "peer '\(text)' is not MEMBER@HOST:PORT")
        }
        let host = String(text[text.index(after: at)..<colon])
        guard !host.isEmpty else { throw HallmarkError(.invalidValue, "peer '\(text)' has no host") }
        guard let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port) else {
            throw HallmarkError(.invalidValue, "peer '\(text)' has no valid port (1-65535)")
        }
        do {
            self.init(member: try MemberID(String(text[..<at])), host: host, port: port)
        } catch let error as HallmarkError {
            throw HallmarkError(.invalidValue, "peer '\(text)': \(error.message)")
        }
    }

    /// The address of a member that called this node, from gRPC's description of the caller's socket
    /// (`ipv4:127.0.0.1:53211`, `ipv6:[::1]:53211`); host `unknown` and port 0 when it does not parse.
    init(calling member: MemberID, from remotePeer: String) {
        let address = remotePeer.split(separator: ":", maxSplits: 1).last.map(String.init) ?? ""
        if let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]) {
            self.init(member: member, host: String(address[..<colon]), port: port)
        } else {
            self.init(member: member, host: "unknown", port: 0)
        }
    }

    /// Whether ``host`` is a dotted IPv4 address rather than a name.
    var isIPv4: Bool { Self.isIPv4(host) }

    /// Whether `host` is a dotted IPv4 address (four numbers from 0 to 255).
    public static func isIPv4(_ host: some StringProtocol) -> Bool {
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { UInt8($0) != nil }
    }

    public var description: String { "\(member)@\(host):\(port)" }
}
