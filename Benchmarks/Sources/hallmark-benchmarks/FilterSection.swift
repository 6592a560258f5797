import HallmarkCore

/// Measures Hallmark's split-block filter beside libbloom at each key count, and prints one table per count.
func filterSection(options: BenchmarkOptions) {
    print("## Filter: Hallmark split-block Bloom filter vs libbloom, 32-byte keys, 0.1 % target\n")
    for keyCount in options.keyCounts {
        let benchmark = FilterBenchmark(keyCount: keyCount, probeCount: min(keyCount, options.probeLimit))
        // Best of several passes, figure by figure: the machine is shared, and interference only adds time.
        var random = SystemRandomNumberGenerator()
        var ours = benchmark.runHallmark(seed: random.next())
        var theirs = benchmark.runLibbloom()
        for _ in 1..<options.passes {
            ours.keepFaster(benchmark.runHallmark(seed: random.next()))
            theirs.keepFaster(benchmark.runLibbloom())
        }
        print(
            "### \(keyCount.formatted) keys, \(benchmark.probeCount.formatted) present and absent lookups each,"
                + " best of \(options.passes)\n"
        )
        var table = ResultTable()
        table.add("filter size", ResultTable.mebibytes(ours.byteCount), ResultTable.mebibytes(theirs.byteCount))
        table.add("bits per key", ResultTable.fixed(ours.bitsPerKey, 2), ResultTable.fixed(theirs.bitsPerKey, 2))
        table.add("hash functions", "1 × 64-bit, 8 bits set", "\(theirs.hashCount) bits set")
        table.add("false-positive rate, expected", ResultTable.percent(ours.expectedRate), "0.1000 % (sized for)")
        table.add(
            "false-positive rate, measured",
            ResultTable.percent(ours.measuredRate),
            ResultTable.percent(theirs.measuredRate)
        )
        table.add("inserts, digest", ResultTable.rate(ours.insert), ResultTable.rate(theirs.insert))
        table.add("lookups present, digest", ResultTable.rate(ours.presentDigest), ResultTable.rate(theirs.present))
        table.add("lookups absent, digest", ResultTable.rate(ours.absentDigest), ResultTable.rate(theirs.absent))
        table.add("hash only (digest → UInt64)", ResultTable.rate(ours.hash))
        table.add("lookups present, pre-hashed single", ResultTable.rate(ours.presentSingle))
        table.add("lookups absent, pre-hashed single", ResultTable.rate(ours.absentSingle))
        table.add("lookups present, pre-hashed batch", ResultTable.rate(ours.presentBatch))
        table.add("lookups absent, pre-hashed batch", ResultTable.rate(ours.absentBatch))
        table.print()
        print()
    }
}

extension Int {
    /// `100,000,000`
    var formatted: String {
        let digits = Array(String(self))
        var out = ""
        for (i, digit) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(digit)
        }
        return out
    }
}
