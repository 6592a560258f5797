import Foundation

extension SplitBlockBloomFilter {
    /// The fewest blocks whose expected false-positive rate at `expectedCount` keys is at most `falsePositiveRate`.
    ///
    /// The rate falls as blocks are added, so a doubling search brackets the answer and a binary
    /// search finds it.
    static func blockCount(forExpectedCount expectedCount: Int, falsePositiveRate target: Double) -> Int {
        guard expectedCount > 0 else { return 1 }
        func meets(_ blocks: Int) -> Bool {
            falsePositiveRate(blockCount: blocks, keyCount: expectedCount) <= target
        }
        // Start at 32 keys per block (about 3 %), a rate looser than any useful target.
        var low = 0  // the largest count known to miss the target (0 stands for "none tried")
        var high = max(1, expectedCount / 32)
        while !meets(high) {
            precondition(
                high < maximumBlockCount,
                "a filter for \(expectedCount) keys at rate \(target) needs more than \(maximumBlockCount) blocks"
            )
            low = high
            high = min(high * 2, maximumBlockCount)
        }
        while high - low > 1 {
            let middle = low + (high - low) / 2
            if meets(middle) { high = middle } else { low = middle }
        }
        return high
    }

    /// The expected false-positive rate of a split-block filter of `blockCount` blocks holding
    /// `keyCount` distinct, uniformly hashed keys.
    ///
    /// A block's load `i` is binomial (`keyCount` trials of probability `1 / blockCount`); given
    /// `i` keys, each word has its probed bit set with probability `1 − (31/32)^i`, and a lookup
    /// succeeds when all eight are set. The sum runs over the loads that carry any weight: the
    /// mean ± 12 standard deviations, widened a little for small means.
    static func falsePositiveRate(blockCount: Int, keyCount: Int) -> Double {
        guard keyCount > 0 else { return 0 }
        func logGamma(_ x: Double) -> Double { lgamma(x) }
        func allEightSet(_ load: Double) -> Double {
            pow(1 - pow(31.0 / 32.0, load), 8)
        }
        guard blockCount > 1 else { return allEightSet(Double(keyCount)) }
        let n = Double(keyCount)
        let p = 1 / Double(blockCount)
        let mean = n * p
        let spread = 12 * (n * p * (1 - p)).squareRoot()
        let first = Int(max(0, mean - spread - 12).rounded(.down))
        let last = Int(min(n, mean + spread + 48).rounded(.up))
        let logChooseBase = logGamma(n + 1)
        let logP = log(p)
        let logQ = log1p(-p)
        var rate = 0.0
        for load in first...last {
            let i = Double(load)
            let logWeight = logChooseBase - logGamma(i + 1) - logGamma(n - i + 1) + i * logP + (n - i) * logQ
            rate += exp(logWeight) * allEightSet(i)
        }
        return min(rate, 1)
    }
}
