import HallmarkCore

/// STIX and TAXII timestamps, read.
enum STIXTimestamp {
    /// A STIX timestamp (`2026-12-06T10:00:00Z`, with any number of fractional digits).
    static func parse(_ value: Any, field: String, at location: String?) throws -> Timestamp {
        let bad = HallmarkError(
            .invalidValue,
            "\(field) must be a STIX timestamp such as 2026-12-06T10:00:00.000Z",
            location: location
        )
        guard let text = value as? String, text.hasSuffix("Z"), text.count >= 20 else { throw bad }
        // Milliseconds are what Hallmark keeps: cut or pad the fraction to three digits.
        var seconds = String(text.dropLast())
        var fraction = ""
        if let dot = seconds.firstIndex(of: ".") {
            fraction = String(seconds[seconds.index(after: dot)...])
            seconds = String(seconds[..<dot])
            guard !fraction.isEmpty, fraction.allSatisfy(\.isASCII), fraction.allSatisfy(\.isNumber) else { throw bad }
        }
        let milliseconds = (fraction + "000").prefix(3)
        guard let time = try? Timestamp(iso8601: "\(seconds).\(milliseconds)Z") else { throw bad }
        return time
    }
}
