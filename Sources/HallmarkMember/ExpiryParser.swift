import Foundation
import HallmarkCore

/// Reads an expiry as written on the command line or in an import file.
///
/// Either a duration from now — a whole number and a unit: `90m`, `12h`, `30d`, `2w`, `1y` (365 days) —
/// or an absolute UTC time: `2027-01-31` (midnight) or `2027-01-31T12:00:00Z`.
public enum ExpiryParser {
    /// Parses `text` relative to `now`.
    /// - Throws: ``HallmarkError`` `invalid-value` naming the text and the accepted forms; also when the time is not after `now`.
    public static func parse(_ text: String, now: Timestamp) throws -> Timestamp {
        let trimmed = text.trimmingASCIIWhitespace()
        let expiry: Timestamp
        if let duration = durationMilliseconds(trimmed) {
            expiry = Timestamp(millisecondsSince1970: now.millisecondsSince1970 + duration)
        } else if let date = absoluteTime(trimmed) {
            expiry = Timestamp(date)
        } else {
            throw HallmarkError(
                .invalidValue,
                "expiry '\(trimmed)' is neither a duration (90m, 12h, 30d, 2w, 1y) nor a UTC date (2027-01-31 or 2027-01-31T12:00:00Z)"
            )
        }
        guard expiry > now else {
            throw HallmarkError(.invalidValue, "expiry '\(trimmed)' is not in the future")
        }
        return expiry
    }

    static func durationMilliseconds(_ text: String) -> Int64? {
        guard let unit = text.last, let amount = Int64(text.dropLast()), amount > 0, amount <= 100_000 else {
            return nil
        }
        let minute: Int64 = 60_000
        switch unit {
        case "m": return amount * minute
        case "h": return amount * 60 * minute
        case "d": return amount * 24 * 60 * minute
        case "w": return amount * 7 * 24 * 60 * minute
        case "y": return amount * 365 * 24 * 60 * minute
        default: return nil
        }
    }

    static func absoluteTime(_ text: String) -> Date? {
        let dateOnly = text.count == 10 ? text + "T00:00:00Z" : text
        // Also with milliseconds, as verdicts and audits write times, so that a time read from them can be sent back.
        return (try? Timestamp(iso8601: dateOnly))?.date ?? (try? Date(dateOnly, strategy: .iso8601))
    }
}
