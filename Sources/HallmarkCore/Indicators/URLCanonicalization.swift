/// The `url` rules: an absolute `http` or `https` URL in the canonical form of RFC 3986 §6.2.2, with
/// Hallmark's choices where the RFC leaves one (see `Protocol/normalization.md`).
///
/// Written by hand on UTF-8 bytes rather than with Foundation's `URL`, whose parsing differs across
/// platforms and versions: every node must produce the same bytes.
enum URLCanonicalization {
    /// The canonical form of a URL value.
    /// - Throws: ``HallmarkError`` `invalid-value`: `malformed url: …` naming the problem, or an unsupported scheme.
    static func canonicalize(_ value: String) throws -> String {
        var value = value
        return try value.withUTF8 { try canonicalize(utf8: $0) }
    }

    /// The canonical form of a URL value given as valid UTF-8.
    ///
    /// Works on the bytes in place and builds the result in one growing buffer: no per-part copies.
    static func canonicalize(utf8 value: UnsafeBufferPointer<UInt8>) throws -> String {
        let input = IndicatorText.trimmed(value)
        guard !input.isEmpty else { throw HallmarkError(.invalidValue, "empty url value") }
        try rejectControlCharacters(input)

        // Scheme: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":"
        guard let colon = input.firstIndex(of: UInt8(ascii: ":")), colon > 0,
            isSchemeSyntax(UnsafeBufferPointer(rebasing: input[..<colon]))
        else {
            throw malformed("missing scheme (expected http:// or https://)")
        }
        let scheme = UnsafeBufferPointer(rebasing: input[..<colon])
        let isHTTPS: Bool
        if equalsIgnoringCase(scheme, "http") {
            isHTTPS = false
        } else if equalsIgnoringCase(scheme, "https") {
            isHTTPS = true
        } else {
            throw HallmarkError(
                .invalidValue,
                "unsupported url scheme '\(String(decoding: scheme.map(lowercased), as: UTF8.self))': only http and https URLs are accepted"
            )
        }
        guard input.count >= colon + 3, input[colon + 1] == UInt8(ascii: "/"), input[colon + 2] == UInt8(ascii: "/")
        else {
            throw malformed("expected '//' after '\(isHTTPS ? "https" : "http"):'")
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
        let (hostEnd, port) = try splitHostAndPort(UnsafeBufferPointer(rebasing: input[hostStart..<authorityEnd]))

        var output = [UInt8]()
        output.reserveCapacity(input.count + 16)
        output.append(contentsOf: isHTTPS ? "https://".utf8 : "http://".utf8)
        try appendCanonicalHost(UnsafeBufferPointer(rebasing: input[hostStart..<(hostStart + hostEnd)]), to: &output)
        if let port, port != (isHTTPS ? 443 : 80) {
            output.append(UInt8(ascii: ":"))
            output.append(contentsOf: String(port).utf8)
        }

        let queryStart = input[authorityEnd..<end].firstIndex(of: UInt8(ascii: "?"))
        let pathEnd = queryStart ?? end
        let pathStart = output.count
        if pathEnd == authorityEnd {
            output.append(UInt8(ascii: "/"))
        } else {
            try appendNormalizedEscapes(
                UnsafeBufferPointer(rebasing: input[authorityEnd..<pathEnd]),
                keepingQuestionMark: false,
                in: "path",
                to: &output
            )
            removeDotSegments(&output, pathStart: pathStart)
        }
        if let queryStart, queryStart + 1 < end {
            output.append(UInt8(ascii: "?"))
            try appendNormalizedEscapes(
                UnsafeBufferPointer(rebasing: input[(queryStart + 1)..<end]),
                keepingQuestionMark: true,
                in: "query",
                to: &output
            )
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Whether `bytes`, with A–Z lower-cased, are `lowercase` (an ASCII literal).
    private static func equalsIgnoringCase(_ bytes: UnsafeBufferPointer<UInt8>, _ lowercase: StaticString) -> Bool {
        guard bytes.count == lowercase.utf8CodeUnitCount else { return false }
        for (offset, byte) in bytes.enumerated() where lowercased(byte) != lowercase.utf8Start[offset] {
            return false
        }
        return true
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
    private static func rejectControlCharacters(_ input: UnsafeBufferPointer<UInt8>) throws {
        for offset in 0..<input.count {
            let byte = input[offset]
            guard byte < 0x20 || byte == 0x7F || byte == 0xC2 else { continue }
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

    private static func isSchemeSyntax(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
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

    /// Splits `host[:port]`: the length of the host, and the port, `nil` when absent or empty.
    private static func splitHostAndPort(_ authority: UnsafeBufferPointer<UInt8>) throws -> (Int, Int?) {
        var hostEnd = authority.count
        if authority.first == UInt8(ascii: "[") {
            guard let close = authority.firstIndex(of: UInt8(ascii: "]")) else {
                throw malformed("IPv6 address is missing its closing ']'")
            }
            hostEnd = close + 1
            guard hostEnd == authority.count || authority[hostEnd] == UInt8(ascii: ":") else {
                throw malformed("unexpected characters after the IPv6 address")
            }
        } else if let colon = authority.lastIndex(of: UInt8(ascii: ":")) {
            hostEnd = colon
        }
        guard hostEnd < authority.count else { return (hostEnd, nil) }
        let digits = authority[(hostEnd + 1)...]
        guard !digits.isEmpty else { return (hostEnd, nil) }
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
        return (hostEnd, port)
    }

    /// Appends a path or query with percent-encoding normalized (RFC 3986 §6.2.2.1–2).
    ///
    /// Escapes of unreserved characters are decoded, other escapes get upper-case hex digits, and
    /// every byte outside unreserved, sub-delims (`!$&'()*+,;=`), `:`, `@`, `/` (and `?` in a query) is escaped.
    private static func appendNormalizedEscapes(
        _ part: UnsafeBufferPointer<UInt8>,
        keepingQuestionMark: Bool,
        in partName: String,
        to output: inout [UInt8]
    ) throws {
        // Bit masks of the ASCII bytes kept as they are, for bytes 0–63 and 64–127.
        let (low, high): (UInt64, UInt64) =
            keepingQuestionMark
            ? (0xAFFF_FFD2_0000_0000, 0x47FF_FFFE_87FF_FFFF) : (0x2FFF_FFD2_0000_0000, 0x47FF_FFFE_87FF_FFFF)
        var index = 0
        while index < part.count {
            // A run of bytes kept as they are is copied at once.
            var runEnd = index
            while runEnd < part.count {
                let byte = part[runEnd]
                let mask = byte < 64 ? low >> byte : (byte < 128 ? high >> (byte - 64) : 0)
                guard mask & 1 == 1 else { break }
                runEnd += 1
            }
            if runEnd > index {
                output.append(contentsOf: UnsafeBufferPointer(rebasing: part[index..<runEnd]))
                index = runEnd
                continue
            }
            let byte = part[index]
            if byte == UInt8(ascii: "%") {
                guard index + 2 < part.count, let high = hexValue(part[index + 1]), let low = hexValue(part[index + 2])
                else {
                    let escape = String(decoding: part[index..<min(index + 3, part.count)], as: UTF8.self)
                    throw malformed("bad percent escape '\(escape)' in \(partName)")
                }
                let decoded = high << 4 | low
                if isUnreserved(decoded) {
                    output.append(decoded)
                } else {
                    appendEscape(decoded, to: &output)
                }
                index += 3
            } else {
                appendEscape(byte, to: &output)
                index += 1
            }
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

    /// Removes the `.` and `..` segments of the path that starts (with `/`) at `pathStart` and runs to the end of
    /// `output`, in place, as RFC 3986 §5.2.4 does.
    private static func removeDotSegments(_ output: inout [UInt8], pathStart: Int) {
        let slash = UInt8(ascii: "/")
        let dot = UInt8(ascii: ".")
        let kept = output.withUnsafeMutableBufferPointer { buffer -> Int in
            // Most paths have no dot segment, and every dot segment starts with "/.".
            var probe = pathStart
            while probe + 1 < buffer.count && !(buffer[probe] == slash && buffer[probe + 1] == dot) { probe += 1 }
            guard probe + 1 < buffer.count else { return buffer.count }
            // The segments kept are written back over the path: `write` never passes `read`.
            var write = pathStart
            var read = pathStart + 1
            while true {
                let end = buffer[read...].firstIndex(of: slash) ?? buffer.count
                let isLast = end == buffer.count
                let length = end - read
                if length == 1 && buffer[read] == dot {
                    // "." is skipped.
                } else if length == 2 && buffer[read] == dot && buffer[read + 1] == dot {
                    // ".." drops the last segment kept, if any: back to its '/'.
                    if write > pathStart {
                        write -= 1
                        while buffer[write] != slash { write -= 1 }
                    }
                } else {
                    buffer[write] = slash
                    write += 1
                    for offset in 0..<length { buffer[write + offset] = buffer[read + offset] }
                    write += length
                    if isLast { return write }
                }
                if isLast {
                    // A path ending in "." or ".." ends with '/'.
                    buffer[write] = slash
                    return write + 1
                }
                read = end + 1
            }
        }
        output.removeLast(output.count - kept)
    }
}
