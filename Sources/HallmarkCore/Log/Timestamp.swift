import Foundation

/// A point in time with millisecond precision: milliseconds since 1970-01-01T00:00:00Z, leap seconds ignored.
///
/// Log entries and checkpoints carry times in this form because it is exact, compact and the same
/// in every language. Its text form is ISO 8601 in UTC with milliseconds, such as
/// `2026-11-29T04:40:30.123Z`; as `Codable` it is that text (and decoding also accepts a number of milliseconds).
public struct Timestamp: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// Milliseconds since 1970-01-01T00:00:00Z; negative before it.
    public var millisecondsSince1970: Int64

    /// The times that entries and checkpoints may carry: 1970-01-01T00:00:00.000Z through
    /// 9999-12-31T23:59:59.999Z, the span whose ISO 8601 form has a four-digit year.
    public static let protocolRange: ClosedRange<Int64> = 0...253_402_300_799_999

    /// Creates a timestamp from milliseconds since 1970.
    /// - Parameter millisecondsSince1970: Milliseconds since 1970-01-01T00:00:00Z.
    public init(millisecondsSince1970: Int64) {
        self.millisecondsSince1970 = millisecondsSince1970
    }

    /// Creates a timestamp from a date, rounding down to the millisecond (clamped to the representable range).
    /// - Parameter date: The date to convert.
    public init(_ date: Date) {
        let milliseconds = (date.timeIntervalSince1970 * 1000).rounded(.down)
        if milliseconds.isNaN {
            self.init(millisecondsSince1970: 0)
        } else if milliseconds >= 9.2e18 {
            self.init(millisecondsSince1970: .max)
        } else if milliseconds <= -9.2e18 {
            self.init(millisecondsSince1970: .min)
        } else {
            self.init(millisecondsSince1970: Int64(milliseconds))
        }
    }

    /// The same instant as a `Date`.
    public var date: Date {
        Date(timeIntervalSince1970: Double(millisecondsSince1970) / 1000)
    }

    /// The current time from the system clock.
    public static func now() -> Timestamp {
        Timestamp(Date())
    }

    /// Whether entries and checkpoints may carry this time (see ``protocolRange``).
    public var isInProtocolRange: Bool {
        Self.protocolRange.contains(millisecondsSince1970)
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.millisecondsSince1970 < rhs.millisecondsSince1970
    }

    public var description: String { iso8601 }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let milliseconds = try? container.decode(Int64.self) {
            self.init(millisecondsSince1970: milliseconds)
            return
        }
        let text = try container.decode(String.self)
        do {
            try self.init(iso8601: text)
        } catch let error as HallmarkError {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.message)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(iso8601)
    }
}
