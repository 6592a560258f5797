import Foundation
import HallmarkCore

#if canImport(Glibc)
    import Glibc
#endif

/// A plain TCP connection to a loopback port, for tests that send bytes no HTTP client would (half a request,
/// requests pipelined in one write).
public enum LoopbackSocket {
    /// A socket connected to `127.0.0.1:port`; the caller closes it.
    /// - Throws: ``HallmarkError`` when the connection is refused.
    public static func connect(port: Int) throws -> Int32 {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(truncatingIfNeeded: port).bigEndian)
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard socket >= 0, connected == 0 else {
            let failure = errno
            if socket >= 0 { close(socket) }
            throw HallmarkError(.peerProblem, "cannot connect to 127.0.0.1:\(port): errno \(failure)")
        }
        return socket
    }
}
