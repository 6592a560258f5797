extension URLCanonicalization {
    /// Appends the canonical host: a bracketed IPv6 address in RFC 5952 form, a dotted-quad IPv4
    /// address, or a lower-case registered name whose non-ASCII labels are Punycode-encoded (`xn--`).
    static func appendCanonicalHost(_ host: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) throws {
        guard !host.isEmpty else { throw malformed("missing host") }
        if host.first == UInt8(ascii: "[") {
            output.append(UInt8(ascii: "["))
            try appendIPv6(Array(host.dropFirst().dropLast())[...], to: &output)
            output.append(UInt8(ascii: "]"))
            return
        }
        if IndicatorText.isASCII(host) {
            try appendHostName(host, to: &output)
        } else {
            let name = try mapUnicodeHost(String(decoding: host, as: UTF8.self))
            try name.withUnsafeBufferPointer { try appendHostName($0, to: &output) }
        }
    }

    /// Appends a registered name (or IPv4 address) label by label, lower-cased, non-ASCII labels as `xn--` Punycode.
    private static func appendHostName(_ host: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) throws {
        let count = host.last == UInt8(ascii: ".") ? host.count - 1 : host.count
        guard count > 0 else { throw malformed("missing host") }
        let name = UnsafeBufferPointer(rebasing: host[..<count])

        let start = output.count
        var lastLabelStart = start
        var labelStart = 0
        while true {
            let labelEnd = name[labelStart...].firstIndex(of: UInt8(ascii: ".")) ?? count
            let label = UnsafeBufferPointer(rebasing: name[labelStart..<labelEnd])
            guard !label.isEmpty else {
                throw malformed("host '\(shown(name))' has an empty label")
            }
            if output.count > start { output.append(UInt8(ascii: ".")) }
            lastLabelStart = output.count
            if IndicatorText.isASCII(label) {
                if let invalid = label.first(where: { !isUnreserved($0) }) {
                    throw invalidHostCharacter(lowercased(invalid), in: name)
                }
                output.append(contentsOf: label.lazy.map(lowercased))
            } else {
                var scalars = [UInt32]()
                for scalar in String(decoding: label, as: UTF8.self).unicodeScalars {
                    let value = scalar.value
                    guard value >= 0x80 ? !IndicatorText.isWhiteSpace(value) : isUnreserved(UInt8(value)) else {
                        throw invalidHostCharacter(value, in: name)
                    }
                    scalars.append(value)
                }
                output.append(contentsOf: "xn--".utf8)
                Punycode.encode(scalars, to: &output)
            }
            if labelEnd == count { break }
            labelStart = labelEnd + 1
        }
        // A host ending in a number is an IPv4 address to browsers, whatever else it looks like:
        // accept only the plain dotted-quad form so that one address has one spelling.
        let lastLabel = output[lastLabelStart...]
        let isHexNumber =
            lastLabel.starts(with: "0x".utf8) && lastLabel.dropFirst(2).allSatisfy { hexValue($0) != nil }
        if lastLabel.allSatisfy(isASCIIDigit) || isHexNumber {
            try checkIPv4(output[start...])
        }
    }

    /// A host name for messages, lower-cased as it is canonicalized.
    private static func shown(_ name: UnsafeBufferPointer<UInt8>) -> String {
        String(decoding: name.map(lowercased), as: UTF8.self)
    }

    /// A non-ASCII host folded as `seller` text is (invisible characters removed, NFKC, case folding, NFKC), with
    /// `。` as a label separator.
    private static func mapUnicodeHost(_ host: String) throws -> [UInt8] {
        let text = Substring(host)
        try IndicatorText.checkRepertoire(text, kind: .url)
        var bytes = [UInt8]()
        for scalar in IndicatorText.fold(text).unicodeScalars {
            if scalar.value == 0x3002 {
                bytes.append(UInt8(ascii: "."))
            } else {
                bytes.append(contentsOf: scalar.utf8)
            }
        }
        return bytes
    }

    private static func invalidHostCharacter(
        _ value: some BinaryInteger,
        in host: UnsafeBufferPointer<UInt8>
    ) -> HallmarkError {
        let character = Unicode.Scalar(UInt32(value)).map { "'\($0.escaped(asASCII: true))'" } ?? "?"
        return malformed("invalid character \(character) in host '\(shown(host))'")
    }

    /// Checks that a host ending in a number is four decimal parts 0–255 without leading zeros.
    private static func checkIPv4(_ host: ArraySlice<UInt8>) throws {
        let parts = host.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        let valid =
            parts.count == 4
            && parts.allSatisfy { part in
                guard (1...3).contains(part.count), part.allSatisfy(isASCIIDigit) else { return false }
                guard part.count == 1 || part.first != UInt8(ascii: "0") else { return false }
                return part.reduce(0) { $0 * 10 + Int($1 - 0x30) } <= 255
            }
        guard valid else {
            throw malformed(
                "host '\(String(decoding: host, as: UTF8.self))' ends in a number but is not an IPv4 address (four decimal parts 0-255, no leading zeros)"
            )
        }
    }

    /// Parses the text between `[` and `]` and appends it in RFC 5952 form: lower-case hex, no leading
    /// zeros, the longest run of two or more zero groups (the first, on a tie) written `::`.
    private static func appendIPv6(_ text: ArraySlice<UInt8>, to output: inout [UInt8]) throws {
        let shown = String(decoding: text, as: UTF8.self)
        if text.contains(UInt8(ascii: "%")) { throw malformed("IPv6 zone identifiers are not supported ('\(shown)')") }
        if let first = text.first, first | 0x20 == UInt8(ascii: "v") {
            throw malformed("IPvFuture addresses are not supported ('\(shown)')")
        }
        guard let groups = parseIPv6(text) else { throw malformed("invalid IPv6 address '\(shown)'") }

        var bestStart = -1
        var bestLength = 1
        var index = 0
        while index < 8 {
            guard groups[index] == 0 else {
                index += 1
                continue
            }
            var end = index
            while end < 8 && groups[end] == 0 { end += 1 }
            if end - index > bestLength {
                bestStart = index
                bestLength = end - index
            }
            index = end
        }
        func appendGroups(_ range: Range<Int>) {
            for position in range {
                if position > range.lowerBound { output.append(UInt8(ascii: ":")) }
                output.append(contentsOf: String(groups[position], radix: 16).utf8)
            }
        }
        if bestStart < 0 {
            appendGroups(0..<8)
        } else {
            appendGroups(0..<bestStart)
            output.append(contentsOf: "::".utf8)
            appendGroups((bestStart + bestLength)..<8)
        }
    }

    /// The eight 16-bit groups of an RFC 4291 text address (with an optional dotted-quad tail), or `nil`.
    private static func parseIPv6(_ text: ArraySlice<UInt8>) -> [UInt16]? {
        let colon = UInt8(ascii: ":")
        var doubleColon: Int?
        var index = text.startIndex
        while index + 1 < text.endIndex {
            if text[index] == colon && text[index + 1] == colon {
                guard doubleColon == nil else { return nil }
                doubleColon = index
                index += 2
            } else {
                index += 1
            }
        }
        guard let doubleColon else {
            guard let groups = parseGroups(text, allowingIPv4Tail: true), groups.count == 8 else { return nil }
            return groups
        }
        guard let head = parseGroups(text[..<doubleColon], allowingIPv4Tail: false),
            let tail = parseGroups(text[(doubleColon + 2)...], allowingIPv4Tail: true),
            head.count + tail.count <= 7
        else { return nil }
        return head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
    }

    /// Colon-separated groups of 1–4 hex digits (none for empty text), the last possibly a dotted quad.
    private static func parseGroups(_ text: ArraySlice<UInt8>, allowingIPv4Tail: Bool) -> [UInt16]? {
        guard !text.isEmpty else { return [] }
        var groups = [UInt16]()
        let pieces = text.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        for (position, piece) in pieces.enumerated() {
            if allowingIPv4Tail, position == pieces.count - 1, piece.contains(UInt8(ascii: ".")) {
                guard let (high, low) = parseEmbeddedIPv4(piece) else { return nil }
                groups += [high, low]
                continue
            }
            guard (1...4).contains(piece.count) else { return nil }
            var group: UInt16 = 0
            for byte in piece {
                guard let nibble = hexValue(byte) else { return nil }
                group = group << 4 | UInt16(nibble)
            }
            groups.append(group)
        }
        return groups
    }

    /// A dotted-quad IPv4 address (RFC 3986 dec-octets) as two 16-bit groups.
    private static func parseEmbeddedIPv4(_ text: ArraySlice<UInt8>) -> (UInt16, UInt16)? {
        let parts = text.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var octets = [UInt16]()
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy(isASCIIDigit),
                part.count == 1 || part.first != UInt8(ascii: "0")
            else { return nil }
            let value = part.reduce(0) { $0 * 10 + UInt16($1 - 0x30) }
            guard value <= 255 else { return nil }
            octets.append(value)
        }
        return (octets[0] << 8 | octets[1], octets[2] << 8 | octets[3])
    }
}
