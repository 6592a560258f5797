import HallmarkCore
import HallmarkRecords

extension Int64 {
    /// `value` as an SQLite integer (signed, 64 bits). Sizes and indexes can come from outside — a peer's request,
    /// a checkpoint — and anything over 2^63 − 1 becomes an error naming `field` rather than a trap.
    init(sqlite value: UInt64, _ field: String) throws {
        guard let converted = Int64(exactly: value) else {
            throw HallmarkError(
                .invalidValue,
                "\(field) \(value) is over the largest this store holds (\(Int64.max))",
                location: field
            )
        }
        self = converted
    }
}

extension UInt64 {
    /// A size or index read back from the store, which wrote it non-negative; a damaged file gives an error.
    init(stored value: Int64, _ field: String) throws {
        guard let converted = UInt64(exactly: value) else {
            throw HallmarkError(.storeProblem, "the store holds a negative \(field) (\(value))", location: field)
        }
        self = converted
    }
}

extension Timestamp {
    /// A time the store keeps in whole seconds (a cosignature's), which it wrote within ``Timestamp/protocolRange``;
    /// a damaged file's value beyond any time in milliseconds gives an error naming `field` rather than a trap.
    init(storedSeconds seconds: Int64, _ field: String) throws {
        let (milliseconds, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        guard !overflow else {
            throw HallmarkError(
                .storeProblem,
                "the store holds a \(field) of \(seconds) s, beyond any time",
                location: field
            )
        }
        self.init(millisecondsSince1970: milliseconds)
    }
}
