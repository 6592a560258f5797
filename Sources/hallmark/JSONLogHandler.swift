import Foundation
import HallmarkCore
import Logging

/// Writes each log record as one JSON object on a line of standard error, for log shippers
/// (`HALLMARK_LOG_FORMAT=json`):
///
/// ```json
/// {"time":"2026-12-05T09:00:00.123Z","level":"info","label":"hallmark","message":"node listening","metadata":{"api.port":"7480"},"source":"HallmarkNode"}
/// ```
///
/// Keys in that order, metadata sorted by key; values are strings, as swift-log holds them.
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    init(label: String) {
        self.label = label
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var all = metadata
        if let provided = metadataProvider?.get() { all.merge(provided) { _, new in new } }
        if let extra = event.metadata { all.merge(extra) { _, new in new } }
        var line = #"{"time":"# + Self.quoted(Timestamp.now().iso8601)
        line += #","level":"# + Self.quoted(event.level.rawValue)
        line += #","label":"# + Self.quoted(label)
        line += #","message":"# + Self.quoted("\(event.message)")
        if !all.isEmpty {
            line += #","metadata":{"#
            line += all.sorted { $0.key < $1.key }.map { Self.quoted($0.key) + ":" + Self.quoted("\($0.value)") }
                .joined(separator: ",")
            line += "}"
        }
        line += #","source":"# + Self.quoted(event.source) + "}\n"
        // One write per record: lines from concurrent tasks never interleave.
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// `text` as a JSON string, with the escapes RFC 8259 requires.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let c where c.value < 0x20:
                out += (c.value < 0x10 ? "\\u000" : "\\u00") + String(c.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
