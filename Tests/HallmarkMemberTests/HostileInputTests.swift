import HallmarkCore
import HallmarkMember
import HallmarkStore
import Testing

/// Values from outside that used to trap (docs/CONVERSIONS.md) are handled without a trap.
@Suite("Hostile input to the member layer")
struct MemberHostileInputTests {
    @Test("an expiry read from a damaged store at the very start of Int64 makes the filter stale, not an overflow")
    func expiryAtInt64Min() {
        let policy = FilterMaintenance.Policy(retractionThreshold: 3, maximumStaleness: .seconds(10))
        let now = Timestamp(millisecondsSince1970: 1_796_299_265_000)
        // The time waited was `now − expiry` in Int64, which overflowed.
        let lapsed = FilterFreshness(nextExpiry: Timestamp(millisecondsSince1970: .min))
        #expect(policy.rebuildReason(for: lapsed, at: now) == "expiry")
        #expect(policy.rebuildReason(for: FilterFreshness(nextExpiry: now), at: now) == nil)
    }
}
