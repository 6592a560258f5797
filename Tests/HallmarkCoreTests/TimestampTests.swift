import Foundation
import HallmarkCore
import Testing

@Suite struct TimestampTests {
    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00.000Z"),
        (1_795_927_230_123, "2026-11-29T04:40:30.123Z"),
        (-1, "1969-12-31T23:59:59.999Z"),
        (1_709_208_000_000, "2024-02-29T12:00:00.000Z"),
        (951_782_400_000, "2000-02-29T00:00:00.000Z"),
        (253_402_300_799_999, "9999-12-31T23:59:59.999Z"),
        (-62_167_219_200_000, "0000-01-01T00:00:00.000Z"),
    ])
    func rendersAndParsesKnownTimes(milliseconds: Int64, text: String) throws {
        let time = Timestamp(millisecondsSince1970: milliseconds)
        #expect(time.iso8601 == text)
        #expect(try Timestamp(iso8601: text) == time)
    }

    @Test func agreesWithFoundationsFormatterOnRandomTimes() throws {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        var generator = LogTestSupport.SeededGenerator(seed: 7)
        for _ in 0..<2000 {
            let milliseconds = Int64.random(in: 0...4_102_444_800_000, using: &generator)
            let time = Timestamp(millisecondsSince1970: milliseconds)
            let date = Date(timeIntervalSince1970: TimeInterval(milliseconds / 1000))
            // Compare whole seconds with Foundation (its fraction rounding is not ours), and the fraction ourselves.
            let foundation = formatter.string(from: date)
            #expect(time.iso8601.prefix(19) == foundation.prefix(19), "\(milliseconds)")
            #expect(time.iso8601.dropFirst(20).prefix(3) == String(format: "%03d", milliseconds % 1000))
            #expect(try Timestamp(iso8601: time.iso8601) == time)
        }
    }

    @Test(arguments: [
        ("2026-11-29T04:40:30Z", Int64(1_795_927_230_000)),
        ("2026-11-29T04:40:30.1Z", 1_795_927_230_100),
        ("2026-11-29T04:40:30.12Z", 1_795_927_230_120),
        ("2026-11-29t04:40:30.123z", 1_795_927_230_123),
        ("2026-11-29T04:40:30.123+00:00", 1_795_927_230_123),
    ])
    func parsesAcceptedVariants(text: String, milliseconds: Int64) throws {
        #expect(try Timestamp(iso8601: text).millisecondsSince1970 == milliseconds)
    }

    @Test(arguments: [
        "", "2026-11-29", "2026-11-29T04:40:30", "2026-11-29 04:40:30Z", "2026-11-29T04:40:30.1234Z",
        "2026-11-29T04:40:30.Z", "2026-11-29T04:40:30+01:00", "2026-11-29T04:40:30.123Zx", "2026-02-29T00:00:00Z",
        "2026-13-01T00:00:00Z", "2026-00-01T00:00:00Z", "2026-04-31T00:00:00Z", "2026-11-29T24:00:00Z",
        "2026-11-29T23:60:00Z", "2026-11-29T23:59:60Z", "26-11-29T04:40:30Z", "+02026-11-29T04:40:30Z",
        "2026-1-29T04:40:30Z", "2026-11-29T04:40:3aZ",
    ])
    func refusesOtherForms(text: String) {
        LogTestSupport.expectError(.invalidValue) { try Timestamp(iso8601: text) }
    }

    @Test func convertsDatesRoundingDown() {
        #expect(Timestamp(Date(timeIntervalSince1970: 1.2349)).millisecondsSince1970 == 1234)
        #expect(Timestamp(Date(timeIntervalSince1970: -0.0005)).millisecondsSince1970 == -1)
        #expect(Timestamp(Date(timeIntervalSince1970: 1e300)).millisecondsSince1970 == .max)
        let time = Timestamp(millisecondsSince1970: 1_795_927_230_123)
        #expect(Timestamp(time.date) == time)
        #expect(Timestamp.now() > Timestamp(millisecondsSince1970: 1_700_000_000_000))
    }

    @Test func rendersExpandedYearsOutsideFourDigits() {
        #expect(Timestamp(millisecondsSince1970: 253_402_300_800_000).iso8601 == "+010000-01-01T00:00:00.000Z")
        #expect(Timestamp(millisecondsSince1970: -62_167_219_200_001).iso8601 == "-000001-12-31T23:59:59.999Z")
        // Extremes render without trapping.
        #expect(!Timestamp(millisecondsSince1970: .min).iso8601.isEmpty)
        #expect(!Timestamp(millisecondsSince1970: .max).iso8601.isEmpty)
    }

    @Test func ordersByTimeAndKnowsTheProtocolRange() {
        #expect(Timestamp(millisecondsSince1970: -5) < Timestamp(millisecondsSince1970: 3))
        #expect(Timestamp(millisecondsSince1970: 0).isInProtocolRange)
        #expect(Timestamp(millisecondsSince1970: 253_402_300_799_999).isInProtocolRange)
        #expect(!Timestamp(millisecondsSince1970: -1).isInProtocolRange)
        #expect(!Timestamp(millisecondsSince1970: 253_402_300_800_000).isInProtocolRange)
    }

    @Test func codesAsISOTextAndDecodesTextOrMilliseconds() throws {
        let time = Timestamp(millisecondsSince1970: 1_795_927_230_123)
        let json = try JSONEncoder().encode([time])
        #expect(String(decoding: json, as: UTF8.self) == #"["2026-11-29T04:40:30.123Z"]"#)
        #expect(try JSONDecoder().decode([Timestamp].self, from: json) == [time])
        #expect(try JSONDecoder().decode([Timestamp].self, from: Data("[1795927230123]".utf8)) == [time])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([Timestamp].self, from: Data(#"["yesterday"]"#.utf8))
        }
    }
}
