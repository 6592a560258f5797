extension Timestamp {
    private static let millisecondsPerDay: Int64 = 86_400_000

    /// The time in ISO 8601 form, UTC, with milliseconds: `2026-11-29T04:40:30.123Z`.
    ///
    /// Years outside 0000–9999 (never in ``protocolRange``) are written in the expanded form
    /// `+YYYYYY` / `-YYYYYY`, which ``init(iso8601:)`` does not accept.
    public var iso8601: String {
        let (days, msOfDay) = Self.floorDivide(millisecondsSince1970, Self.millisecondsPerDay)
        let (year, month, day) = Self.civilDate(fromDaysSince1970: days)
        var out = [UInt8]()
        out.reserveCapacity(32)
        func append(_ value: Int64, digits: Int) {
            var divisor: Int64 = 1
            for _ in 1..<digits { divisor *= 10 }
            var value = value
            while divisor > 0 {
                out.append(UInt8(ascii: "0") + UInt8(value / divisor))
                value %= divisor
                divisor /= 10
            }
        }
        if (0...9999).contains(year) {
            append(year, digits: 4)
        } else {
            out.append(year < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
            let magnitude = year.magnitude
            let digits = max(6, String(magnitude).utf8.count)
            append(Int64(magnitude), digits: digits)
        }
        out.append(UInt8(ascii: "-"))
        append(month, digits: 2)
        out.append(UInt8(ascii: "-"))
        append(day, digits: 2)
        out.append(UInt8(ascii: "T"))
        append(msOfDay / 3_600_000, digits: 2)
        out.append(UInt8(ascii: ":"))
        append(msOfDay / 60_000 % 60, digits: 2)
        out.append(UInt8(ascii: ":"))
        append(msOfDay / 1000 % 60, digits: 2)
        out.append(UInt8(ascii: "."))
        append(msOfDay % 1000, digits: 3)
        out.append(UInt8(ascii: "Z"))
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses an ISO 8601 UTC time as ``iso8601`` writes it.
    ///
    /// Accepts `YYYY-MM-DDTHH:MM:SS[.f]Z` with zero to three fraction digits, a lower-case `t` or `z`,
    /// and `+00:00` in place of `Z`. Other offsets are refused rather than converted, so a time is never
    /// silently shifted.
    /// - Parameter text: The text to parse.
    /// - Throws: ``HallmarkError`` `invalid-value` naming what is wrong.
    public init(iso8601 text: some StringProtocol) throws {
        let bytes = Array(text.utf8)
        func fail(_ why: String) -> HallmarkError {
            HallmarkError(.invalidValue, "'\(text)' is not an ISO 8601 UTC time like 2026-11-29T04:40:30.123Z: \(why)")
        }
        var position = 0
        func number(_ digits: Int, _ name: String) throws -> Int64 {
            guard position + digits <= bytes.count else { throw fail("\(name) is missing") }
            var value: Int64 = 0
            for byte in bytes[position..<position + digits] {
                guard (0x30...0x39).contains(byte) else { throw fail("\(name) must be \(digits) digits") }
                value = value * 10 + Int64(byte - 0x30)
            }
            position += digits
            return value
        }
        func expect(_ characters: String, _ what: String) throws {
            guard position < bytes.count, characters.utf8.contains(bytes[position]) else {
                throw fail("expected \(what) at character \(position + 1)")
            }
            position += 1
        }
        let year = try number(4, "year")
        try expect("-", "'-'")
        let month = try number(2, "month")
        try expect("-", "'-'")
        let day = try number(2, "day")
        try expect("Tt", "'T'")
        let hour = try number(2, "hour")
        try expect(":", "':'")
        let minute = try number(2, "minute")
        try expect(":", "':'")
        let second = try number(2, "second")
        var milliseconds: Int64 = 0
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            var digits = 0
            while position < bytes.count, (0x30...0x39).contains(bytes[position]) {
                guard digits < 3 else { throw fail("at most 3 fraction digits (milliseconds) are allowed") }
                milliseconds = milliseconds * 10 + Int64(bytes[position] - 0x30)
                digits += 1
                position += 1
            }
            guard digits > 0 else { throw fail("a '.' must be followed by digits") }
            for _ in digits..<3 { milliseconds *= 10 }
        }
        let rest = bytes[position...]
        guard rest.elementsEqual("Z".utf8) || rest.elementsEqual("z".utf8) || rest.elementsEqual("+00:00".utf8) else {
            throw fail("the time must end in 'Z' (UTC)")
        }
        guard (1...12).contains(month) else { throw fail("month \(month) does not exist") }
        guard (1...Self.daysIn(month: month, year: year)).contains(day) else {
            throw fail("day \(day) does not exist in that month")
        }
        guard hour < 24, minute < 60, second < 60 else { throw fail("hour, minute or second out of range") }
        let days = Self.daysSince1970(year: year, month: month, day: day)
        self.init(
            millisecondsSince1970: days * Self.millisecondsPerDay + ((hour * 60 + minute) * 60 + second) * 1000
                + milliseconds
        )
    }

    /// Division rounding toward negative infinity, with a non-negative remainder.
    private static func floorDivide(_ a: Int64, _ b: Int64) -> (quotient: Int64, remainder: Int64) {
        let (q, r) = a.quotientAndRemainder(dividingBy: b)
        return r < 0 ? (q - 1, r + b) : (q, r)
    }

    private static func isLeap(_ year: Int64) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    private static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    // Proleptic Gregorian calendar in 400-year eras that start on March 1, so leap days fall at era ends.
    private static func daysSince1970(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = floorDivide(y, 400).quotient
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The proleptic Gregorian date of a day counted from 1970-01-01.
    package static func civilDate(fromDaysSince1970 days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = floorDivide(z, 146_097).quotient
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
