import HallmarkCore
import HallmarkFederation

#if canImport(Glibc)
    import Glibc
#endif

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

    /// Checks, before the node starts, that a listener can bind here, so that a mistake is named by the setting that
    /// made it rather than by a socket call deep in a library. Port 0 always can.
    /// - Parameter setting: How the user set this address, such as `--listen (or "listen" in the configuration)`.
    /// - Throws: ``HallmarkError`` `invalid-value` naming the address, the setting and what to do.
    public func checkAvailable(setting: String) throws {
        #if canImport(Glibc)
            guard port != 0 else { return }
            let socket = Glibc.socket(AF_INET, Int32(bitPattern: SOCK_STREAM.rawValue), 0)
            guard socket >= 0 else { return }
            defer { close(socket) }
            // As the listeners do: a port left in TIME_WAIT by a node that just stopped is free to take.
            var on: Int32 = 1
            setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(truncatingIfNeeded: port).bigEndian)
            guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { return }
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard bound != 0 else { return }
            switch errno {
            case EADDRINUSE:
                throw HallmarkError(
                    .invalidValue,
                    "cannot listen on \(self), set by \(setting): the address is in use (another node or program "
                        + "listens there); stop it or choose another port"
                )
            case EADDRNOTAVAIL:
                throw HallmarkError(
                    .invalidValue,
                    "cannot listen on \(self), set by \(setting): \(host) is not an address of this machine"
                )
            case EACCES:
                throw HallmarkError(
                    .invalidValue,
                    "cannot listen on \(self), set by \(setting): ports below 1024 need privileges; choose a higher one"
                )
            default:
                return
            }
        #endif
    }

    public init(from decoder: any Decoder) throws {
        try self.init(parsing: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
