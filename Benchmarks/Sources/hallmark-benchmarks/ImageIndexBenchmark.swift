import Foundation
import HallmarkCore

/// The near-match index of PDQ hashes (``PDQIndex``) beside a brute-force scan of the same hashes, at each count of
/// `--image-hashes`: queries at the PDQ threshold of 31 bits (goal: at most 0.15 ms at 1 M hashes, at least 5× the
/// scan), the build, and the memory per hash. Every query's answer is compared with the scan's.
func imageIndexSection(options: BenchmarkOptions) {
    print("## Image near-matching: PDQ multi-index hashing vs a brute-force scan, distance ≤ 31\n")
    for count in options.imageHashCounts {
        ImageIndexBenchmark(hashCount: count, passes: options.passes).run()
    }
}

/// One count's measurements.
struct ImageIndexBenchmark {
    let hashCount: Int
    let passes: Int
    /// Queries near a stored hash (at 0 to 31 bits) and queries of fresh random hashes, half each.
    let queryCount = 20_000
    /// The scan is slow; it answers a sample of the queries.
    let scanCount = 200

    func run() {
        var generator = SystemRandomNumberGenerator()
        let hashes = (0..<hashCount).map { _ in Self.random(&generator) }
        let queries = (0..<queryCount).map { number in
            number.isMultiple(of: 2)
                ? Self.flip(hashes[Int.random(in: 0..<hashCount, using: &generator)], bits: number / 2 % 32, &generator)
                : Self.random(&generator)
        }
        let clock = ContinuousClock()
        let start = clock.now
        let index = PDQIndex(hashes: hashes)
        let build = clock.now - start

        var indexed = Stopwatch()
        var matches = 0
        var scanned = Stopwatch()
        for _ in 0..<passes {
            var pass = Stopwatch()
            matches = 0
            for query in queries {
                matches += pass.time(operations: 1) { index.matches(of: query, within: 31).count }
            }
            if indexed.operations == 0 || pass.isFaster(than: indexed) { indexed = pass }
            var scanPass = Stopwatch()
            var scanMatches = 0
            for query in queries.prefix(scanCount) {
                scanMatches += scanPass.time(operations: 1) { Self.scan(hashes, for: query, within: 31) }
            }
            // Used, so that the scans are not optimized away.
            if scanMatches < 0 { print(scanMatches) }
            if scanned.operations == 0 || scanPass.isFaster(than: scanned) { scanned = scanPass }
        }
        var disagreements = 0
        for query in queries.prefix(scanCount)
        where index.matches(of: query, within: 31) != PDQIndex.scan(hashes, for: query, within: 31) {
            disagreements += 1
        }
        // The tables: 32 bytes of hash and 16 ids of 4 bytes per hash, plus 16 × 65 537 offsets of 4 bytes.
        let bytes = hashCount * (32 + 16 * 4) + 16 * 65_537 * 4

        print("### \(hashCount.formatted) random stored hashes, \(queryCount.formatted) queries, best of \(passes)\n")
        var table = ResultTable()
        table.add("query, multi-index (16 × 16-bit tables)", Self.milliseconds(indexed))
        table.add("query, brute-force scan (\(scanCount) queries)", Self.milliseconds(scanned))
        table.add(
            "index speed-up over the scan",
            "\(ResultTable.fixed(scanned.nanosecondsPerOperation / indexed.nanosecondsPerOperation, 1))×"
        )
        table.add("matches found (half the queries were planted within 31 bits)", "\(matches)")
        table.add("answers differing from the scan's", "\(disagreements) of \(scanCount)")
        table.add(
            "build, bulk",
            "\(ResultTable.fixed(Double(build.components.seconds) + Double(build.components.attoseconds) / 1e18, 2)) s"
        )
        table.add(
            "memory of the tables",
            "\(ResultTable.mebibytes(bytes)) (\(ResultTable.fixed(Double(bytes) / Double(hashCount), 1)) B per hash)"
        )
        table.print(headers: ("measure", "figure", ""))
        print()
    }

    /// The reference scan, written for speed as a member's own brute force would be: the hashes as contiguous
    /// words, XOR and population count, no allocation unless a hash matches.
    static func scan(_ hashes: [Hash256], for query: Hash256, within distance: Int) -> Int {
        var found = 0
        hashes.withUnsafeBufferPointer { hashes in
            for hash in hashes where hash.distance(to: query) <= distance { found += 1 }
        }
        return found
    }

    static func random(_ generator: inout SystemRandomNumberGenerator) -> Hash256 {
        Hash256(w0: generator.next(), w1: generator.next(), w2: generator.next(), w3: generator.next())
    }

    static func flip(_ hash: Hash256, bits: Int, _ generator: inout SystemRandomNumberGenerator) -> Hash256 {
        var words = [hash.w0, hash.w1, hash.w2, hash.w3]
        var flipped = Set<Int>()
        while flipped.count < bits { flipped.insert(Int.random(in: 0..<256, using: &generator)) }
        for bit in flipped { words[bit / 64] ^= 1 << UInt64(bit % 64) }
        return Hash256(w0: words[0], w1: words[1], w2: words[2], w3: words[3])
    }

    /// `0.012 ms (83 k/s)`.
    static func milliseconds(_ stopwatch: Stopwatch) -> String {
        "\(ResultTable.fixed(stopwatch.nanosecondsPerOperation / 1e6, 4)) ms (\(ResultTable.fixed(stopwatch.operationsPerSecond / 1e3, 1)) k/s)"
    }
}
