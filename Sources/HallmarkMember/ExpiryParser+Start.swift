import HallmarkCore

extension ExpiryParser {
    /// Parses the start of a period as written on the command line, such as `--since`.
    ///
    /// Either a duration back from now in the forms an expiry takes (`90m`, `12h`, `30d`, `2w`, `1y`), or an absolute
    /// UTC time: `2026-10-01` (midnight) or `2026-10-01T12:00:00Z`.
    /// - Parameters:
    ///   - text: The text to parse.
    ///   - now: The time a duration counts back from.
    ///   - option: What the text was given as, such as `--since`, for the error message.
    /// - Throws: ``HallmarkError`` `invalid-value` naming the option, the text and the accepted forms; also when the
    ///   time is after `now`.
    public static func parseStart(_ text: String, now: Timestamp, option: String) throws -> Timestamp {
        let trimmed = text.trimmingASCIIWhitespace()
        let start: Timestamp
        if let duration = durationMilliseconds(trimmed) {
            start = Timestamp(millisecondsSince1970: max(0, now.millisecondsSince1970 - duration))
        } else if let date = absoluteTime(trimmed) {
            start = Timestamp(date)
        } else {
            throw HallmarkError(
                .invalidValue,
                "\(option) '\(trimmed)' is neither a duration back from now (90m, 12h, 30d, 2w, 1y) nor a UTC date "
                    + "(2026-10-01 or 2026-10-01T12:00:00Z)"
            )
        }
        guard start <= now else {
            throw HallmarkError(.invalidValue, "\(option) '\(trimmed)' is in the future")
        }
        return start
    }
}
