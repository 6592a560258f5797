/// A rate with bursts: ``rate`` takes a second in the long run, up to ``burst`` at once after a quiet spell. The
/// budgets that bound what a peer can make this node do (``HeadBudget``, ``FetchGate``) are made of these.
struct TokenBucket {
    /// Takes a second, in the long run.
    let rate: Double
    /// Takes at once after a quiet spell.
    let burst: Double
    private var tokens: Double
    private var refilled: ContinuousClock.Instant

    /// A full bucket.
    init(rate: Double, burst: Double, now: ContinuousClock.Instant = .now) {
        self.rate = rate
        self.burst = burst
        tokens = burst
        refilled = now
    }

    /// Takes one token when there is one.
    mutating func take(now: ContinuousClock.Instant = .now) -> Bool {
        let elapsed = now - refilled
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        tokens = min(burst, tokens + max(0, seconds) * rate)
        refilled = now
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }

    /// Whether the bucket is full at `now` (nothing taken lately): such a bucket can be forgotten and made anew.
    func isFull(now: ContinuousClock.Instant = .now) -> Bool {
        let elapsed = now - refilled
        return tokens + Double(elapsed.components.seconds) * rate >= burst
    }
}
