import Foundation
import HallmarkCore
import SwiftASN1

/// The RFC 5280 `Time` of a revocation list, in whole seconds: `UTCTime` for the years 1950–2049,
/// `GeneralizedTime` otherwise (section 5.1.2.4).
enum CRLTime {
    private static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0)!
        return calendar
    }()

    /// Writes a time, rounded down to a whole second.
    /// - Throws: ``HallmarkError`` `invalid-value` for a time outside the years 1–9999.
    static func serialize(_ date: Date, into coder: inout DER.Serializer) throws {
        let whole = Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
        let parts = utc.dateComponents([.year, .month, .day, .hour, .minute, .second], from: whole)
        guard let year = parts.year, let month = parts.month, let day = parts.day, let hour = parts.hour,
            let minute = parts.minute, let second = parts.second, (1...9999).contains(year)
        else {
            throw HallmarkError(.invalidValue, "time \(date) cannot be written in a revocation list")
        }
        do {
            if (1950..<2050).contains(year) {
                try coder.serialize(
                    try UTCTime(year: year, month: month, day: day, hours: hour, minutes: minute, seconds: second)
                )
            } else {
                try coder.serialize(
                    try GeneralizedTime(
                        year: year,
                        month: month,
                        day: day,
                        hours: hour,
                        minutes: minute,
                        seconds: second,
                        fractionalSeconds: 0
                    )
                )
            }
        } catch {
            throw HallmarkError(.invalidValue, "time \(date) cannot be written in a revocation list: \(error)")
        }
    }

    /// Reads a `UTCTime` or `GeneralizedTime`.
    /// - Throws: an ASN.1 error when the node is neither, or not a valid time.
    static func parse(_ node: ASN1Node) throws -> Date {
        let parts: DateComponents
        switch node.identifier {
        case UTCTime.defaultIdentifier:
            let time = try UTCTime(derEncoded: node)
            parts = DateComponents(
                year: time.year,
                month: time.month,
                day: time.day,
                hour: time.hours,
                minute: time.minutes,
                second: time.seconds
            )
        case GeneralizedTime.defaultIdentifier:
            let time = try GeneralizedTime(derEncoded: node)
            guard time.fractionalSeconds == 0 else {
                throw ASN1Error.invalidASN1Object(reason: "RFC 5280 times have no fraction of a second")
            }
            parts = DateComponents(
                year: time.year,
                month: time.month,
                day: time.day,
                hour: time.hours,
                minute: time.minutes,
                second: time.seconds
            )
        default:
            throw ASN1Error.unexpectedFieldType(node.identifier)
        }
        guard let date = utc.date(from: parts) else {
            throw ASN1Error.invalidASN1Object(reason: "not a valid date")
        }
        return date
    }
}
