import HallmarkCore
import SwiftASN1
import X509

#if canImport(Darwin)
    import Darwin
#elseif canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Turns the host names and addresses a member's node is reached at into subject alternative names.
enum HostName {
    /// The subject alternative name for a host: `.ipAddress` for an IPv4 or IPv6 address (brackets allowed),
    /// `.dnsName` otherwise.
    /// - Throws: ``HallmarkError`` `invalid-value` when the host is neither an address nor a valid DNS name.
    static func generalName(for host: String) throws -> GeneralName {
        let trimmed = host.trimmingASCIIWhitespace()
        if let octets = ipv4(trimmed) ?? ipv6(trimmed) {
            return .ipAddress(ASN1OctetString(contentBytes: octets[...]))
        }
        return .dnsName(try dnsName(trimmed))
    }

    private static func ipv4(_ text: String) -> [UInt8]? {
        var address = in_addr()
        guard inet_pton(AF_INET, text, &address) == 1 else { return nil }
        return withUnsafeBytes(of: &address) { Array($0) }
    }

    private static func ipv6(_ text: String) -> [UInt8]? {
        var text = Substring(text)
        if text.hasPrefix("["), text.hasSuffix("]") { text = text.dropFirst().dropLast() }
        var address = in6_addr()
        guard inet_pton(AF_INET6, String(text), &address) == 1 else { return nil }
        return withUnsafeBytes(of: &address) { Array($0) }
    }

    /// A DNS name in lower case: dot-separated labels of letters, digits and `-` (not at either end),
    /// at most 63 characters each and 253 in all; the first label may be `*`.
    private static func dnsName(_ text: String) throws -> String {
        var name = text.lowercased()
        if name.hasSuffix(".") { name.removeLast() }
        let invalid = { (why: String) in
            HallmarkError(.invalidValue, "host '\(text)' is neither an IP address nor a valid DNS name: \(why)")
        }
        guard !name.isEmpty else { throw invalid("it is empty") }
        guard name.utf8.count <= 253 else { throw invalid("longer than 253 characters") }
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        for (index, label) in labels.enumerated() {
            if index == 0, label == "*", labels.count > 1 { continue }
            guard (1...63).contains(label.utf8.count) else {
                throw invalid("each dot-separated part must be 1 to 63 characters")
            }
            let allowed = label.utf8.allSatisfy {
                ($0 >= 0x61 && $0 <= 0x7a) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2d
            }
            guard allowed else { throw invalid("only letters, digits, '-' and '.' are allowed") }
            guard label.first != "-", label.last != "-" else { throw invalid("a part may not start or end with '-'") }
        }
        return name
    }
}
