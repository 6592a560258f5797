/// How many of a peer's announced heads this node acts upon (Protocol/PROTOCOL.md §5): each head it takes may cost a
/// signature check and a FetchLog, so a peer that floods its watch stream, or announces logs it then does not serve,
/// must not be obeyed without bound.
///
/// A ``TokenBucket`` allows ``rate`` heads a second with bursts of ``burst``; heads beyond it are left to the next
/// anti-entropy round, which compares every head anyway. A peer whose heads were rejected ``strikesToBackOff`` times
/// in a row (a log it announced but did not serve, or did not verify) is not followed for ``backoff``, doubling at
/// each further strike up to ``maximumBackoff``; a head that goes through clears its strikes.
struct HeadBudget {
    /// Heads a second acted upon, in the long run.
    static let rate = 10.0
    /// Heads acted upon at once after a quiet spell.
    static let burst = 50.0
    /// Rejected heads in a row before the peer's heads are ignored for a while.
    static let strikesToBackOff = 3
    /// The first wait, and its cap.
    static let backoff: Duration = .seconds(30)
    static let maximumBackoff: Duration = .seconds(600)

    /// What to do with one announced head.
    enum Decision: Equatable {
        case take
        /// Over the rate: left to the next round.
        case overRate
        /// The peer is backed off until the given instant.
        case backedOff(until: ContinuousClock.Instant)
    }

    private var bucket: TokenBucket
    private var strikes = 0
    private var backoffs = 0
    private var until: ContinuousClock.Instant?

    init(now: ContinuousClock.Instant = .now) {
        bucket = TokenBucket(rate: Self.rate, burst: Self.burst, now: now)
    }

    /// Whether to act upon one more head now.
    mutating func decide(now: ContinuousClock.Instant = .now) -> Decision {
        if let until, now < until { return .backedOff(until: until) }
        return bucket.take(now: now) ? .take : .overRate
    }

    /// Records how a head taken went; returns the new back-off deadline when this strike starts one.
    mutating func record(rejected: Bool, now: ContinuousClock.Instant = .now) -> ContinuousClock.Instant? {
        guard rejected else {
            strikes = 0
            backoffs = 0
            return nil
        }
        strikes += 1
        guard strikes >= Self.strikesToBackOff else { return nil }
        strikes = 0
        let wait = min(Self.maximumBackoff, Self.backoff * (1 << min(backoffs, 10)))
        backoffs += 1
        until = now + wait
        return until
    }
}
