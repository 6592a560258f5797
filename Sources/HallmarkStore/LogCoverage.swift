import HallmarkCore

/// How much of each origin's log an in-memory index (the filter, the listed table) reflects, as this process's own
/// commits advance it: the rule that tells entries another process appended from this process's own.
enum LogCoverage {
    /// Advances `coverage` by a batch that took `origin`'s log from `startSize` to `head` (whose size `size` reads):
    /// to `head` when the index held exactly `startSize`; to `nil` (unknown: only a rebuild can say) when it held less
    /// than the batch's end, since entries this process never saw were appended before this batch.
    static func advance<Head>(
        _ coverage: inout [MemberID: Head]?,
        origin: MemberID,
        from startSize: UInt64,
        to head: Head,
        size: (Head) -> UInt64
    ) {
        let held = coverage?[origin].map(size) ?? 0
        if held == startSize {
            coverage?[origin] = head
        } else if held < size(head) {
            coverage = nil
        }
    }
}
