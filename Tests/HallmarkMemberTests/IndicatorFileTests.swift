import Foundation
import HallmarkCore
import Testing

@testable import HallmarkMember

@Suite("IndicatorFile: import files as people save them")
struct IndicatorFileTests {
    @Test("a CSV saved by a spreadsheet, with a UTF-8 byte-order mark and CRLF lines, imports like one without")
    func byteOrderMark() throws {
        let csv = Array("kind,value,confidence\r\nsku,LV-M40990,80\r\nseller,shopmart:fake,\r\n".utf8)
        let now = Timestamp.now()
        let plain = try IndicatorFile.parse(csv, format: .csv, fileName: "plain.csv", now: now)
        let marked = try IndicatorFile.parse([0xEF, 0xBB, 0xBF] + csv, format: .csv, fileName: "marked.csv", now: now)
        #expect(marked.count == 2)
        #expect(marked.map(\.identifier) == plain.map(\.identifier))
        #expect(marked.map(\.confidence) == [80, 90])
        // Only at the very start of the file.
        let later = Array("\n\u{FEFF}kind,value\nsku,X\n".utf8)
        let error = try #require(throws: HallmarkError.self) {
            try IndicatorFile.parse(later, format: .csv, fileName: "later.csv", now: now)
        }
        #expect(error.message.contains("the header must start with 'kind,value'"), "\(error)")
    }
}

@Suite("IndicatorFileReader: files read a block at a time")
struct IndicatorFileReaderTests {
    /// A file in a fresh temporary folder.
    private func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("reader-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent(name).path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("chunks read from a file of several blocks hold what parsing it whole gives, in order, none over the limit")
    func chunksMatchWhole() throws {
        // CRLF lines, a byte-order mark, blank and quoted lines: about 3.5 blocks of 1 MiB, so lines straddle blocks.
        var text = "\u{FEFF}kind,value,confidence,reason\r\n"
        for i in 0..<120_000 {
            text += i % 1_000 == 0 ? "\r\n" : "sku,\"SKU-\(i)\",\(i % 101),\"reason-\(i % 7)\"\r\n"
        }
        let bytes = Array(text.utf8)
        let now = Timestamp.now()
        let whole = try IndicatorFile.parse(bytes, format: .csv, fileName: "big.csv", now: now)
        let reader = try IndicatorFile.submissions(path: try write("big.csv", bytes), now: now)
        var read: [Submission] = []
        while case let chunk = try reader.next(upTo: 7_777), !chunk.isEmpty {
            #expect(chunk.count <= 7_777)
            // Memory stays flat: what is held is under a chunk plus a block's rows (lines of 20 bytes at least).
            #expect(reader.rowsHeld < 7_777 + (1 << 20) / 20, "\(reader.rowsHeld) rows held after \(read.count)")
            read += chunk
        }
        #expect(read.count == 119_880)
        #expect(read.map(\.identifier) == whole.map(\.identifier))
        #expect(read.map(\.reason) == whole.map(\.reason))
        #expect(reader.bytesRead == bytes.count)
        #expect(reader.linesRead == 120_001)
        #expect(try reader.next(upTo: 10).isEmpty)
    }

    @Test("a bad line far into the file is named by its number; an endless line is refused before it is held whole")
    func errorsNameTheLine() throws {
        var text = "kind,value\n"
        for i in 0..<80_000 { text += "seller,shop-\(i)\n" }
        let bad = try write("bad.csv", Array((text + "seller,ok\nBAD KIND,x\n").utf8))
        let reader = try IndicatorFile.submissions(path: bad, now: .now())
        let error = try #require(throws: HallmarkError.self) {
            while try reader.next(upTo: 50_000).isEmpty == false {}
        }
        #expect(error.location == "bad.csv:80003", "\(error)")

        // 4 MiB without a line break.
        let endless = try write("endless.csv", Array("kind,value\nsku,".utf8) + [UInt8](repeating: 65, count: 4 << 20))
        let long = try #require(throws: HallmarkError.self) {
            _ = try IndicatorFile.submissions(path: endless, now: .now()).next(upTo: 10)
        }
        #expect(long.location == "endless.csv:2", "\(long)")
        #expect(long.message.contains("longer than the limit"), "\(long)")
    }

    @Test("a missing file, a folder and a file without a header are refused by name")
    func unreadable() throws {
        let missing = try #require(throws: HallmarkError.self) {
            _ = try IndicatorFile.submissions(path: "/nonexistent/x.csv", now: .now())
        }
        #expect(missing.code == .fileProblem)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("folder-\(UUID().uuidString).csv")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        #expect(throws: HallmarkError.self) { _ = try IndicatorFile.submissions(path: folder.path, now: .now()) }
        let empty = try write("empty.csv", [])
        let headless = try #require(throws: HallmarkError.self) {
            _ = try IndicatorFile.submissions(path: empty, now: .now()).next(upTo: 10)
        }
        #expect(headless.message.contains("empty file"), "\(headless)")
    }
}
