import HallmarkCore
import HallmarkFederation

/// Where a listener binds: `HOST:PORT`, with an IPv4 host such as `127.0.0.1` or `0.0.0.0`.
public struct ListenAddress: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The IPv4 address to bind.
    public var host: String
    /// The TCP port; 0 picks a free one.
    public var port: Int

    /// Creates an address.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `HOST:PORT`.
    /// - Throws: ``HallmarkError`` `invalid-value` naming what is wrong.
    public init(parsing text: String) throws {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65535).contains(port)
        else {
            throw HallmarkError(.invalidValue, "'\(text)' is not HOST:PORT with a port from 0 to 65535")
        }
        let host = String(text[..<colon])
        guard PeerAddress.isIPv4(host) else {
            throw HallmarkError(.invalidValue, "'\(host)' in '\(text)' is not an IPv4 address")
        }
        self.init(host: host, port: port)
    }

    public var description: String { "\(host):\(port)" }

    public init(from decoder: any Decoder) throws {
        try self.init(parsing: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
