import Foundation
import HallmarkCore

/// Reads an import or allowlist file a block at a time and hands out its rows a chunk at a time, so that memory stays
/// flat whatever the file's size: only one block, one line cut by the block's end, and the rows not yet handed out
/// are held.
///
/// Not thread-safe: one task reads it.
public final class IndicatorFileReader<Row> {
    /// The bytes read from the file at a time.
    static var blockSize: Int { 1 << 20 }

    /// The file's size when it was opened, for progress (`0` when it cannot be told, such as for a pipe).
    public let fileSize: Int
    /// The bytes read so far.
    public private(set) var bytesRead = 0
    /// The lines read so far, header and blank lines included.
    public var linesRead: Int { lines.lineNumber }

    private let handle: FileHandle
    private let name: String
    private var parser: IndicatorFile.LineParser<Row>
    private var lines: LineSplitter
    private var rows: [Row] = []
    private var atEnd = false

    /// Opens the file at `path`, whose lines `parser` reads; errors name it `shownName` (by default its file name).
    /// - Throws: ``HallmarkError`` `file-problem` when it cannot be opened.
    init(path: String, shownName: String? = nil, parser: IndicatorFile.LineParser<Row>) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
            let handle = FileHandle(forReadingAtPath: path)
        else {
            throw HallmarkError(.fileProblem, "cannot read the file", location: path)
        }
        self.handle = handle
        self.name = shownName ?? URL(fileURLWithPath: path).lastPathComponent
        self.lines = LineSplitter(fileName: name)
        self.parser = parser
        let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int
        self.fileSize = size ?? 0
    }

    deinit {
        try? handle.close()
    }

    /// The next rows, at most `limit` (at least 1); an empty array once the file is read whole.
    /// - Throws: ``HallmarkError`` naming the file, the line and what is wrong; reading stops there.
    public func next(upTo limit: Int) throws -> [Row] {
        let limit = max(1, limit)
        while rows.count < limit, !atEnd { try readBlock() }
        let end = min(rows.count, limit)
        let chunk = Array(rows[..<end])
        // What is handed out is dropped at once: a block rarely ends where a chunk does, so keeping rows until all
        // were handed out kept nearly every row of the file (a 1.5 M-line import held 269 MB of them).
        rows.removeSubrange(..<end)
        return chunk
    }

    /// The rows parsed and not yet handed out: at most a chunk and a block's worth.
    var rowsHeld: Int { rows.count }

    private func readBlock() throws {
        let data: Data
        do {
            data = try handle.read(upToCount: Self.blockSize) ?? Data()
        } catch {
            throw HallmarkError(.fileProblem, "cannot read the file: \(error.localizedDescription)", location: name)
        }
        atEnd = data.isEmpty
        bytesRead += data.count
        let block = [UInt8](data)
        try lines.split(block[...], atEnd: atEnd) { line, number in
            do {
                if let row = try parser.parse(line) { rows.append(row) }
            } catch let error as HallmarkError {
                throw error.at("\(name):\(number)")
            }
        }
        if atEnd { try parser.finish(fileName: name) }
    }
}

/// Splits a file's bytes, given a block at a time, into lines: LF or CRLF breaks, a UTF-8 byte-order mark (as
/// spreadsheets write) dropped from the first line, and a line cut by a block's end carried over to the next block.
struct LineSplitter {
    /// The file's name, for errors.
    let fileName: String
    /// The lines split so far.
    private(set) var lineNumber = 0
    private var carried: [UInt8] = []

    init(fileName: String) {
        self.fileName = fileName
    }

    /// Calls `body` with each line that `block` completes and its number; with `atEnd`, also with the file's last
    /// line when no line break ends it.
    /// - Throws: What `body` throws, or ``HallmarkError`` `invalid-value` when a line runs longer than
    ///   ``IndicatorFile/maximumLineLength`` (noticed before it is held whole).
    mutating func split(
        _ block: ArraySlice<UInt8>,
        atEnd: Bool,
        _ body: (ArraySlice<UInt8>, Int) throws -> Void
    ) throws {
        var start = block.startIndex
        while let end = block[start...].firstIndex(of: UInt8(ascii: "\n")) {
            if carried.isEmpty {
                try emit(block[start..<end], body)
            } else {
                carried += block[start..<end]
                let line = carried
                carried.removeAll(keepingCapacity: true)
                try emit(line[...], body)
            }
            start = end + 1
        }
        carried += block[start...]
        if atEnd {
            if !carried.isEmpty {
                let line = carried
                carried = []
                try emit(line[...], body)
            }
        } else if carried.count > IndicatorFile.maximumLineLength + 1 {
            // The line's break has not come yet: refuse it now rather than read an endless line into memory.
            throw HallmarkError(
                .invalidValue,
                "line is longer than the limit of \(IndicatorFile.maximumLineLength) bytes",
                location: "\(fileName):\(lineNumber + 1)"
            )
        }
    }

    private mutating func emit(_ raw: ArraySlice<UInt8>, _ body: (ArraySlice<UInt8>, Int) throws -> Void) throws {
        lineNumber += 1
        var line = raw
        if lineNumber == 1, line.starts(with: [0xEF, 0xBB, 0xBF]) { line = line.dropFirst(3) }
        if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
        try body(line, lineNumber)
    }
}
