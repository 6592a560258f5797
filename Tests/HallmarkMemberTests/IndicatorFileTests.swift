import HallmarkCore
import HallmarkMember
import Testing

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
