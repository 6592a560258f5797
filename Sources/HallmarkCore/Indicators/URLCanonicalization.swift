/// The `url` rules: an absolute `http` or `https` URL in the canonical form of RFC 3986 §6.2.2, with
/// Hallmark's choices where the RFC leaves one (see `Protocol/normalization.md`).
///
/// Written by hand on UTF-8 bytes rather than with Foundation's `URL`, whose parsing differs across
/// platforms and versions: every node must produce the same bytes.
enum URLCanonicalization {
    /// The canonical form of a URL value.
    /// - Throws: ``HallmarkError`` `invalid-value`: `malformed url: …` naming the problem, or an unsupported scheme.
    static func canonicalize(_ value: String) throws -> String {
        let trimmed = IndicatorText.trimmed(value)
        guard !trimmed.isEmpty else { throw HallmarkError(.invalidValue, "empty url value") }
        let input = Array(trimmed.utf8)
        try rejectControlCharacters(input)

        // Scheme: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":"
        guard let colon = input.firstIndex(of: UInt8(ascii: ":")), colon > 0, isSchemeSyntax(input[..<colon]) else {
            throw malformed("missing scheme (expected http:// or https://)")
        }
        let scheme = String(decoding: input[..<colon].map(lowercased), as: UTF8.self)
        guard scheme == "http" || scheme == "https" else {
            throw HallmarkError(
                .invalidValue,
                "unsupported url scheme '\(scheme)': only http and https URLs are accepted"
            )
        }
        guard input.count >= colon + 3, input[colon + 1] == UInt8(ascii: "/"), input[colon + 2] == UInt8(ascii: "/")
        else {
            throw malformed("expected '//' after '\(scheme):'")
        }

        // Everything from '#' on is the fragment, which never reaches the server: dropped.
        let afterSlashes = colon + 3
        let end = input[afterSlashes...].firstIndex(of: UInt8(ascii: "#")) ?? input.count
        let authorityEnd =
            input[afterSlashes..<end].firstIndex(where: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") }) ?? end
        // Userinfo (up to the last '@') is dropped: it never selects the resource, and dropping it
        // defeats `https://brand.example@counterfeit.example/` disguises.
        let hostStart =
            input[afterSlashes..<authorityEnd].lastIndex(of: UInt8(ascii: "@")).map { $0 + 1 } ?? afterSlashes
        let (host, port) = try splitHostAndPort(input[hostStart..<authorityEnd])

        var output = [UInt8]()
        output.reserveCapacity(input.count + 16)
        output.append(contentsOf: scheme.utf8)
        output.append(contentsOf: "://".utf8)
        try appendCanonicalHost(host, to: &output)
        if let port, !(scheme == "http" && port == 80), !(scheme == "https" && port == 443) {
            output.append(UInt8(ascii: ":"))
            output.append(contentsOf: String(port).utf8)
        }

        let queryStart = input[authorityEnd..<end].firstIndex(of: UInt8(ascii: "?"))
        let pathEnd = queryStart ?? end
        var path = [UInt8]()
        path.reserveCapacity(pathEnd - authorityEnd + 1)
        if pathEnd == authorityEnd {
            path.append(UInt8(ascii: "/"))
        } else {
            try appendNormalizedEscapes(
                input[authorityEnd..<pathEnd],
                keepingQuestionMark: false,
                in: "path",
                to: &path
            )
        }
        appendRemovingDotSegments(path, to: &output)
        if let queryStart, queryStart + 1 < end {
            output.append(UInt8(ascii: "?"))
            try appendNormalizedEscapes(
                input[(queryStart + 1)..<end],
                keepingQuestionMark: true,
                in: "query",
                to: &output
            )
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// An error whose message starts with `malformed url:`.
    static func malformed(_ problem: String) -> HallmarkError {
        HallmarkError(.invalidValue, "malformed url: \(problem)")
    }

    @inline(__always)
    static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
    }

    /// Rejects C0 and C1 control characters and DEL anywhere in the URL, including tab and line breaks.
    private static func rejectControlCharacters(_ input: [UInt8]) throws {
        for (offset, byte) in input.enumerated() {
            var control: UInt32?
            if byte < 0x20 || byte == 0x7F {
                control = UInt32(byte)
            } else if byte == 0xC2, offset + 1 < input.count, input[offset + 1] >= 0x80, input[offset + 1] <= 0x9F {
                control = UInt32(input[offset + 1])
            }
            if let control {
                throw malformed("control character \(IndicatorText.codePoint(control)) at byte \(offset + 1)")
            }
        }
    }

    private static func isSchemeSyntax(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard let first = bytes.first, isASCIILetter(first) else { return false }
        return bytes.allSatisfy { isASCIILetter($0) || isASCIIDigit($0) || $0 == 0x2B || $0 == 0x2D || $0 == 0x2E }
    }

    @inline(__always)
    static func isASCIILetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }

    @inline(__always)
    static func isASCIIDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// RFC 3986 unreserved: ALPHA DIGIT `-` `.` `_` `~`.
    @inline(__always)
    static func isUnreserved(_ byte: UInt8) -> Bool {
        isASCIILetter(byte) || isASCIIDigit(byte) || byte == 0x2D || byte == 0x2E || byte == 0x5F || byte == 0x7E
    }

    /// Splits `host[:port]`; the port is `nil` when absent or empty.
    private static func splitHostAndPort(_ authority: ArraySlice<UInt8>) throws -> (ArraySlice<UInt8>, Int?) {
        var hostEnd = authority.endIndex
        if authority.first == UInt8(ascii: "[") {
            guard let close = authority.firstIndex(of: UInt8(ascii: "]")) else {
                throw malformed("IPv6 address is missing its closing ']'")
            }
            hostEnd = close + 1
            guard hostEnd == authority.endIndex || authority[hostEnd] == UInt8(ascii: ":") else {
                throw malformed("unexpected characters after the IPv6 address")
            }
        } else if let colon = authority.lastIndex(of: UInt8(ascii: ":")) {
            hostEnd = colon
        }
        let host = authority[authority.startIndex..<hostEnd]
        guard hostEnd < authority.endIndex else { return (host, nil) }
        let digits = authority[(hostEnd + 1)...]
        guard !digits.isEmpty else { return (host, nil) }
        var port = 0
        for byte in digits {
            guard isASCIIDigit(byte) else {
                throw malformed("port '\(String(decoding: digits, as: UTF8.self))' is not a number")
            }
            port = port * 10 + Int(byte - 0x30)
            guard port <= 65535 else {
                throw malformed("port '\(String(decoding: digits, as: UTF8.self))' is larger than 65535")
            }
        }
        return (host, port)
    }

    /// Appends a path or query with percent-encoding normalized (RFC 3986 §6.2.2.1–2).
    ///
    /// Escapes of unreserved characters are decoded, other escapes get upper-case hex digits, and
    /// every byte outside unreserved, sub-delims, `:`, `@`, `/` (and `?` in a query) is escaped.
    private static func appendNormalizedEscapes(
        _ part: ArraySlice<UInt8>,
        keepingQuestionMark: Bool,
        in partName: String,
        to output: inout [UInt8]
    ) throws {
        var index = part.startIndex
        while index < part.endIndex {
            let byte = part[index]
            if byte == UInt8(ascii: "%") {
                guard index + 2 < part.endIndex, let high = hexValue(part[index + 1]),
                    let low = hexValue(part[index + 2])
                else {
                    let escape = String(decoding: part[index..<min(index + 3, part.endIndex)], as: UTF8.self)
                    throw malformed("bad percent escape '\(escape)' in \(partName)")
                }
                let decoded = high << 4 | low
                if isUnreserved(decoded) {
                    output.append(decoded)
                } else {
                    appendEscape(decoded, to: &output)
                }
                index += 3
                continue
            }
            if isUnreserved(byte) || isSubDelimiter(byte) || byte == UInt8(ascii: ":") || byte == UInt8(ascii: "@")
                || byte == UInt8(ascii: "/") || (keepingQuestionMark && byte == UInt8(ascii: "?"))
            {
                output.append(byte)
            } else {
                appendEscape(byte, to: &output)
            }
            index += 1
        }
    }

    /// RFC 3986 sub-delims: `!$&'()*+,;=`.
    @inline(__always)
    private static func isSubDelimiter(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x21, 0x24, 0x26, 0x27, 0x28, 0x29, 0x2A, 0x2B, 0x2C, 0x3B, 0x3D: return true
        default: return false
        }
    }

    @inline(__always)
    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: return byte - 0x30
        case 0x41...0x46: return byte - 0x41 + 10
        case 0x61...0x66: return byte - 0x61 + 10
        default: return nil
        }
    }

    @inline(__always)
    private static func appendEscape(_ byte: UInt8, to output: inout [UInt8]) {
        let digits: StaticString = "0123456789ABCDEF"
        output.append(UInt8(ascii: "%"))
        output.append(digits.utf8Start[Int(byte >> 4)])
        output.append(digits.utf8Start[Int(byte & 0x0F)])
    }

    /// Appends `path` (which starts with `/`) with its `.` and `..` segments removed, as RFC 3986 §5.2.4 does.
    private static func appendRemovingDotSegments(_ path: [UInt8], to output: inout [UInt8]) {
        let base = output.count
        var segmentStarts = [Int]()
        var start = path.startIndex + 1
        while true {
            let end = path[start...].firstIndex(of: UInt8(ascii: "/")) ?? path.endIndex
            let isLast = end == path.endIndex
            let segment = path[start..<end]
            if segment.elementsEqual(CollectionOfOne(UInt8(ascii: "."))) {
                if isLast { output.append(UInt8(ascii: "/")) }
            } else if segment.elementsEqual([UInt8(ascii: "."), UInt8(ascii: ".")]) {
                if let last = segmentStarts.popLast() { output.removeSubrange(last...) }
                if isLast { output.append(UInt8(ascii: "/")) }
            } else {
                segmentStarts.append(output.count)
                output.append(UInt8(ascii: "/"))
                output.append(contentsOf: segment)
            }
            if isLast { break }
            start = end + 1
        }
        if output.count == base { output.append(UInt8(ascii: "/")) }
    }
}
