import HallmarkCore
import Synchronization

/// The `Date` header's value (RFC 9110 §5.6.7, IMF-fixdate such as `Sun, 06 Nov 1994 08:49:37 GMT`) for answers
/// written on the event loop: formatted once a second, not once a request.
final class HTTPDate: Sendable {
    private let cache = Mutex<(second: Int64, text: String)>((.min, ""))

    /// The current time's header value.
    var now: String {
        let second = Timestamp.now().millisecondsSince1970 / 1_000
        return cache.withLock { cache in
            if cache.second != second { cache = (second, Self.text(secondsSince1970: second)) }
            return cache.text
        }
    }

    private static let weekdays = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// IMF-fixdate of a time from 1970 on (the clock of a running node).
    static func text(secondsSince1970 seconds: Int64) -> String {
        let days = seconds / 86_400
        let time = seconds % 86_400
        let (year, month, day) = Timestamp.civilDate(fromDaysSince1970: days)
        func two(_ number: Int64) -> String { number < 10 ? "0\(number)" : "\(number)" }
        let weekday = weekdays[Int(truncatingIfNeeded: days % 7)]
        let monthName = months[Int(truncatingIfNeeded: month - 1)]
        return "\(weekday), \(two(day)) \(monthName) \(year) "
            + "\(two(time / 3_600)):\(two(time / 60 % 60)):\(two(time % 60)) GMT"
    }
}
