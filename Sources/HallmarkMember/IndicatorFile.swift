import Foundation
import HallmarkCore

/// A file of indicators to import: CSV with a header, or JSON Lines, chosen by the file's extension.
///
/// Files are read a block at a time (``IndicatorFileReader``), so that memory stays flat whatever their size.
public enum IndicatorFile {
    /// The accepted formats.
    public enum Format: Sendable {
        /// CSV (RFC 4180 quoting) whose header names `kind,value` and optionally `confidence,reason,expires,note,quality` (`quality`: an
        /// `image-pdq` hash's PDQ quality).
        case csv
        /// One JSON object a line: `{"kind": …, "value": …, "confidence": …, "reason": …, "expires": …, "note": …,
        /// "quality": …}`.
        case jsonLines

        /// The format for a file name: `.csv`, or `.jsonl` / `.ndjson`.
        /// - Throws: ``HallmarkError`` `invalid-value` for any other extension.
        public init(fileName: String) throws {
            switch URL(fileURLWithPath: fileName).pathExtension.lowercased() {
            case "csv": self = .csv
            case "jsonl", "ndjson": self = .jsonLines
            default:
                throw HallmarkError(
                    .invalidValue,
                    "cannot tell the file's format from its name: use .csv or .jsonl",
                    location: fileName
                )
            }
        }
    }

    /// The name errors give an indicator file sent to the node as a request body (`body:LINE`).
    public static let bodyName = "body"

    /// The longest line accepted.
    public static let maximumLineLength = 8 << 10

    /// The columns a CSV header may name.
    static let columns = ["kind", "value", "confidence", "reason", "expires", "note", "quality"]

    /// Opens the file at `path` to read its indicators a chunk at a time (``IndicatorFileReader``): memory stays
    /// flat whatever the file's size.
    /// - Parameters:
    ///   - now: The time relative expiries (`30d`) count from: pass the same one to every reading of a file.
    ///   - format: The file's format; by default told from its name.
    ///   - shownName: The name errors give the file (`NAME:LINE`); by default its file name.
    /// - Throws: ``HallmarkError`` when the file's format cannot be told from its name or it cannot be opened.
    public static func submissions(
        path: String,
        now: Timestamp,
        format: Format? = nil,
        shownName: String? = nil
    ) throws -> IndicatorFileReader<Submission> {
        try IndicatorFileReader(
            path: path,
            shownName: shownName,
            parser: LineParser(format: format ?? Format(fileName: path), columns: columns) {
                try submission($0, $1, now: now)
            }
        )
    }

    /// Parses file contents already in memory: every line, as ``submissions(path:now:)`` reads them.
    /// - Throws: ``HallmarkError`` naming the file, the line and what is wrong.
    public static func parse(_ bytes: [UInt8], format: Format, fileName: String, now: Timestamp) throws -> [Submission]
    {
        let parser = LineParser(format: format, columns: columns) { try submission($0, $1, now: now) }
        return try parser.parseWhole(bytes, fileName: fileName)
    }

    /// Reads a file of identifiers to allowlist: as an import file, with the columns `kind,value` and optionally
    /// `note` (CSV), or the same fields (JSON Lines).
    /// - Throws: ``HallmarkError`` naming the file, the line and what is wrong.
    public static func readAllowlist(path: String) throws -> [AllowlistItem] {
        let reader = try IndicatorFileReader(
            path: path,
            parser: LineParser(format: Format(fileName: path), columns: allowlistColumns, row: allowlistItem)
        )
        var items: [AllowlistItem] = []
        while case let chunk = try reader.next(upTo: 1 << 16), !chunk.isEmpty { items += chunk }
        return items
    }

    /// Parses an allowlist file already in memory. See ``readAllowlist(path:)``.
    public static func parseAllowlist(_ bytes: [UInt8], format: Format, fileName: String) throws -> [AllowlistItem] {
        try LineParser(format: format, columns: allowlistColumns, row: allowlistItem).parseWhole(
            bytes,
            fileName: fileName
        )
    }

    /// The columns an allowlist file may name.
    static let allowlistColumns = ["kind", "value", "note"]

    private static func allowlistItem(_ identifier: Identifier, _ fields: [String: String]) throws -> AllowlistItem {
        let item = AllowlistItem(identifier: identifier, note: fields["note"] ?? "")
        try item.validate()
        return item
    }

    private static func submission(_ identifier: Identifier, _ fields: [String: String], now: Timestamp) throws
        -> Submission
    {
        try submission(
            identifier: identifier,
            confidence: fields["confidence"].flatMap { $0.isEmpty ? nil : $0 },
            reason: fields["reason"],
            expires: fields["expires"],
            note: fields["note"],
            quality: fields["quality"].flatMap { $0.isEmpty ? nil : $0 },
            now: now
        )
    }

    /// Reads one line at a time into rows: the header (CSV), then a row per line with its identifier and other
    /// fields (of `columns`), made by `row`. Errors name what is wrong; the caller adds where.
    struct LineParser<Row> {
        let format: Format
        let columns: [String]
        let row: (Identifier, [String: String]) throws -> Row
        private(set) var header: [String]?

        init(format: Format, columns: [String], row: @escaping (Identifier, [String: String]) throws -> Row) {
            self.format = format
            self.columns = columns
            self.row = row
        }

        /// The row of one line (without its line break), or `nil` for a blank line or the header.
        mutating func parse(_ line: ArraySlice<UInt8>) throws -> Row? {
            guard line.count <= maximumLineLength else {
                throw HallmarkError(.invalidValue, "line is \(line.count) bytes, the limit is \(maximumLineLength)")
            }
            if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) { return nil }
            switch format {
            case .csv:
                let fields = try CSVLine.fields(of: line)
                guard let names = header else {
                    header = try csvHeader(fields, columns: columns)
                    return nil
                }
                let (identifier, text) = try csvFields(fields, columns: names)
                return try row(identifier, text)
            case .jsonLines:
                let (identifier, text) = try jsonFields(line, columns: columns)
                return try row(identifier, text)
            }
        }

        /// Checks what only the end of the file can tell.
        func finish(fileName: String) throws {
            if format == .csv, header == nil {
                throw HallmarkError(
                    .invalidValue,
                    "empty file: expected a header line 'kind,value,…'",
                    location: fileName
                )
            }
        }

        /// Every row of contents held in memory.
        func parseWhole(_ bytes: [UInt8], fileName: String) throws -> [Row] {
            var parser = self
            var rows: [Row] = []
            var lines = LineSplitter(fileName: fileName)
            try lines.split(bytes[...], atEnd: true) { line, number in
                do {
                    if let row = try parser.parse(line) { rows.append(row) }
                } catch let error as HallmarkError {
                    throw error.at("\(fileName):\(number)")
                }
            }
            try parser.finish(fileName: fileName)
            return rows
        }
    }

    static func csvHeader(_ fields: [[UInt8]], columns: [String]) throws -> [String] {
        let names = fields.map { String(decoding: $0, as: UTF8.self).trimmingASCIIWhitespace().lowercased() }
        guard names.count >= 2, names[0] == "kind", names[1] == "value" else {
            throw HallmarkError(
                .invalidValue,
                "the header must start with 'kind,value' (optional columns: \(columns.dropFirst(2).joined(separator: ", ")))"
            )
        }
        for (position, name) in names.enumerated() {
            guard columns.contains(name) else {
                throw HallmarkError(
                    .invalidValue,
                    "unknown column '\(name)' in the header (known: \(columns.joined(separator: ", ")))"
                )
            }
            guard !names[..<position].contains(name) else {
                throw HallmarkError(.invalidValue, "column '\(name)' appears twice in the header")
            }
        }
        return names
    }

    /// The identifier of a CSV line and its other fields by column.
    static func csvFields(_ fields: [[UInt8]], columns: [String]) throws -> (Identifier, [String: String]) {
        guard fields.count == columns.count else {
            throw HallmarkError(.invalidValue, "expected \(columns.count) fields as in the header, got \(fields.count)")
        }
        var text: [String: String] = [:]
        var rawValue: [UInt8] = []
        for (column, field) in zip(columns, fields) {
            if column == "value" {
                rawValue = field
                continue
            }
            guard let string = String(validating: field, as: UTF8.self) else {
                throw HallmarkError(.invalidValue, "\(column): not valid UTF-8")
            }
            text[column] = string
        }
        let kind = try IndicatorKind(parsing: text["kind"] ?? "")
        return (try field("value") { try Identifier(kind: kind, utf8: rawValue) }, text)
    }

    /// The identifier of a JSON line and its other fields (of `columns`) as text.
    static func jsonFields(_ line: ArraySlice<UInt8>, columns: [String]) throws -> (
        Identifier, [String: String]
    ) {
        guard String(validating: line, as: UTF8.self) != nil else {
            throw HallmarkError(.invalidValue, "line is not valid UTF-8")
        }
        let object: [String: Any]
        do {
            guard let parsed = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
                throw HallmarkError(.invalidValue, "expected a JSON object")
            }
            object = parsed
        } catch let error as HallmarkError {
            throw error
        } catch {
            throw HallmarkError(.invalidValue, "not valid JSON")
        }
        for key in object.keys where !columns.contains(key) {
            throw HallmarkError(.invalidValue, "unknown field '\(key)' (known: \(columns.joined(separator: ", ")))")
        }
        var text: [String: String] = [:]
        for (key, value) in object where !(value is NSNull) {
            if key == "confidence" || key == "quality" {
                guard let number = value as? NSNumber, !(value is Bool), let exact = Int(exactly: number.doubleValue)
                else {
                    throw HallmarkError(.invalidValue, "\(key): expected a whole number from 0 to 100")
                }
                text[key] = String(exact)
            } else {
                guard let string = value as? String else {
                    throw HallmarkError(.invalidValue, "\(key): expected a string")
                }
                text[key] = string
            }
        }
        guard let kindName = text["kind"] else { throw HallmarkError(.invalidValue, "kind: missing") }
        let kind = try IndicatorKind(parsing: kindName)
        guard let value = text["value"] else { throw HallmarkError(.invalidValue, "value: missing") }
        return (try field("value") { try Identifier(kind: kind, value: value) }, text)
    }

    /// Builds a submission from optional text fields, as the CLI does from its options.
    static func submission(
        identifier: Identifier,
        confidence: String?,
        reason: String?,
        expires: String?,
        note: String?,
        quality: String? = nil,
        now: Timestamp
    ) throws -> Submission {
        func wholeNumber(_ text: String?, _ field: String) throws -> Int? {
            guard let text else { return nil }
            guard let value = Int(text.trimmingASCIIWhitespace()) else {
                throw HallmarkError(.invalidValue, "'\(text)' is not a whole number from 0 to 100", location: field)
            }
            return value
        }
        return try Submission(
            subject: .identifier(identifier),
            confidence: wholeNumber(confidence, "confidence"),
            reason: reason,
            expires: expires,
            note: note,
            quality: wholeNumber(quality, "quality"),
            now: now
        )
    }

    private static func field<T>(_ name: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as HallmarkError {
            throw HallmarkError(error.code, "\(name): \(error.message)")
        }
    }
}

/// Splits one CSV line into fields (RFC 4180 quoting within the line).
enum CSVLine {
    static func fields(of line: ArraySlice<UInt8>) throws -> [[UInt8]] {
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ",")
        var fields: [[UInt8]] = []
        var field: [UInt8] = []
        var index = line.startIndex
        var quoted = false
        var fieldStart = true
        while index < line.endIndex {
            let byte = line[index]
            if quoted {
                if byte == quote {
                    if index + 1 < line.endIndex, line[index + 1] == quote {
                        field.append(quote)
                        index += 1
                    } else {
                        quoted = false
                        if index + 1 < line.endIndex, line[index + 1] != comma {
                            throw HallmarkError(.invalidValue, "unexpected character after a closing quote")
                        }
                    }
                } else {
                    field.append(byte)
                }
            } else if byte == comma {
                fields.append(field)
                field = []
                fieldStart = true
                index += 1
                continue
            } else if byte == quote && fieldStart {
                quoted = true
            } else {
                field.append(byte)
            }
            fieldStart = false
            index += 1
        }
        guard !quoted else { throw HallmarkError(.invalidValue, "unterminated quoted field") }
        fields.append(field)
        return fields
    }
}
