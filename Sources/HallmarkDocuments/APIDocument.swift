import Foundation

/// The documents of the local HTTP API — what it answers (verdicts, audits, status, peers, outcomes) — which are also
/// the command line's `--json` output, whether it reached a running node or the store. Requests (``CheckRequest`` and
/// the others), ``APIProblem`` and ``APILimits`` sit beside them in this module, used by the server and the client alike.
///
/// Times are ISO 8601 UTC strings; digests and hashes lower-case hex.
public enum APIDocument {
    /// The encoder for these documents: snake_case keys, sorted, slashes unescaped.
    public static func makeEncoder(pretty: Bool = false) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        if pretty { encoder.outputFormatting.insert(.prettyPrinted) }
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return encoder
    }
}
