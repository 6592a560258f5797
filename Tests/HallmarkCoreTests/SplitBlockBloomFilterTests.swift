import Testing

@testable import HallmarkCore

@Suite("SplitBlockBloomFilter")
struct SplitBlockBloomFilterTests {
    /// `count` pseudo-random digests from a SplitMix64 stream: uniform, like HMAC digests.
    static func randomDigests(count: Int, stream: UInt64) -> [Hash256] {
        var state = stream &* 0xD1B5_4A32_D192_ED03
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        return (0..<count).map { _ in Hash256(w0: next(), w1: next(), w2: next(), w3: next()) }
    }

    /// Digests that differ only in a counter in their last bytes: the least uniform input there is.
    static func counterDigests(_ range: Range<UInt64>) -> [Hash256] {
        range.map { Hash256(w0: 0, w1: 0, w2: 0, w3: $0) }
    }

    static func falsePositives(_ filter: SplitBlockBloomFilter, _ absent: [Hash256]) -> Int {
        absent.reduce(0) { $0 + (filter.mayContain($1) ? 1 : 0) }
    }

    @Test("every inserted digest is found, by digest, by hash and in a batch")
    func noFalseNegatives() {
        let keys = Self.randomDigests(count: 200_000, stream: 1)
        var filter = SplitBlockBloomFilter(expectedCount: keys.count, seed: 42)
        for key in keys { filter.insert(key) }
        #expect(filter.insertedCount == keys.count)
        #expect(keys.allSatisfy { filter.mayContain($0) })
        let hashes = keys.map { SplitBlockBloomFilter.hash($0, seed: filter.seed) }
        #expect(hashes.allSatisfy { filter.mayContain(hash: $0) })
        var results: [Bool] = []
        let positives = filter.mayContain(hashes: hashes, into: &results)
        #expect(results.count == keys.count)
        #expect(positives == keys.count)
        #expect(results.allSatisfy { $0 })
    }

    @Test("a batch lookup gives the same answers as single lookups")
    func batchMatchesSingle() {
        var filter = SplitBlockBloomFilter(blockCount: 64, seed: 7)
        for key in Self.randomDigests(count: 3_000, stream: 2) { filter.insert(key) }
        let probes = Self.randomDigests(count: 5_000, stream: 3).map { SplitBlockBloomFilter.hash($0, seed: 7) }
        var results = [Bool](repeating: true, count: 10)
        let positives = filter.mayContain(hashes: probes, into: &results)
        let single = probes.map { filter.mayContain(hash: $0) }
        #expect(results == single)
        #expect(positives == single.filter { $0 }.count)
        // The filter is small and crowded, so both answers occur.
        #expect(positives > 0 && positives < probes.count)
    }

    @Test(
        "sizing: the fewest blocks that meet the target, at most 17 bits per key at 0.1 %",
        arguments: [
            1_000, 10_000, 123_457, 1_000_000, 100_000_000,
        ]
    )
    func sizing(count: Int) {
        let blocks = SplitBlockBloomFilter.blockCount(forExpectedCount: count, falsePositiveRate: 0.001)
        let bitsPerKey = Double(blocks * 256) / Double(count)
        #expect(bitsPerKey <= 17)
        #expect(SplitBlockBloomFilter.falsePositiveRate(blockCount: blocks, keyCount: count) <= 0.001)
        #expect(SplitBlockBloomFilter.falsePositiveRate(blockCount: blocks - 1, keyCount: count) > 0.001)
    }

    @Test("the sizing initializer and the size properties agree")
    func sizeProperties() {
        let filter = SplitBlockBloomFilter(expectedCount: 10_000, seed: 1)
        #expect(filter.byteCount == filter.blockCount * 32)
        #expect(filter.bitsPerKey(forCount: 10_000) == Double(filter.blockCount * 256) / 10_000)
        #expect(filter.bitsPerKey(forCount: 0) == .infinity)
        #expect(filter.expectedFalsePositiveRate(forCount: 10_000) <= 0.001)
        #expect(filter.expectedFalsePositiveRate(forCount: 0) == 0)
        #expect(SplitBlockBloomFilter(expectedCount: 0, seed: 1).blockCount == 1)
        // A looser target needs fewer blocks.
        #expect(
            SplitBlockBloomFilter(expectedCount: 10_000, falsePositiveRate: 0.01, seed: 1).blockCount
                < filter.blockCount
        )
    }

    @Test("the rate formula: 16 keys per block give about 0.13 %, one block fills up")
    func rateFormula() {
        // 16 bits per key; the Poisson limit of the sum is 0.0013156.
        let rate = SplitBlockBloomFilter.falsePositiveRate(blockCount: 1_000_000, keyCount: 16_000_000)
        #expect(abs(rate - 0.0013156) < 0.000002)
        let full = SplitBlockBloomFilter.falsePositiveRate(blockCount: 1, keyCount: 1_000)
        #expect(full > 0.99 && full <= 1)
        #expect(SplitBlockBloomFilter.falsePositiveRate(blockCount: 1, keyCount: 1) == 0x1p-40)  // (1/32)^8
    }

    @Test("1 M random keys in, 1 M others out: measured rate within 1.5× of 0.1 %")
    func measuredRateRandomKeys() {
        let count = 1_000_000
        var filter = SplitBlockBloomFilter(expectedCount: count, falsePositiveRate: 0.001, seed: 0x5EED)
        for key in Self.randomDigests(count: count, stream: 10) { filter.insert(key) }
        let rate = Double(Self.falsePositives(filter, Self.randomDigests(count: count, stream: 11))) / Double(count)
        #expect(rate <= 0.0015)
        #expect(rate >= 0.001 / 1.5)
    }

    @Test("keys that differ only in a counter spread as well as random ones")
    func measuredRateCounterKeys() {
        let count: UInt64 = 200_000
        var filter = SplitBlockBloomFilter(expectedCount: Int(count), falsePositiveRate: 0.001, seed: 99)
        for key in Self.counterDigests(0..<count) { filter.insert(key) }
        let rate = Double(Self.falsePositives(filter, Self.counterDigests(count..<2 * count))) / Double(count)
        #expect(rate <= 0.0015)
        #expect(rate >= 0.001 / 1.5)
    }

    @Test("different seeds give different hashes and bit patterns; the same seed, the same")
    func seeds() {
        let keys = Self.randomDigests(count: 1_000, stream: 4)
        func build(seed: UInt64) -> SplitBlockBloomFilter {
            var filter = SplitBlockBloomFilter(expectedCount: keys.count, seed: seed)
            for key in keys { filter.insert(key) }
            return filter
        }
        #expect(build(seed: 1) == build(seed: 1))
        #expect(build(seed: 1) != build(seed: 2))
        let differing = keys.filter {
            SplitBlockBloomFilter.hash($0, seed: 1) != SplitBlockBloomFilter.hash($0, seed: 2)
        }
        #expect(differing.count == keys.count)
        #expect(SplitBlockBloomFilter.hash(.zero, seed: 0) != SplitBlockBloomFilter.hash(.zero, seed: 1))
    }

    @Test("the hash depends on every word of the digest")
    func hashUsesAllBytes() {
        let base = Hash256(w0: 1, w1: 2, w2: 3, w3: 4)
        let variants = [
            Hash256(w0: 1 ^ 1 << 63, w1: 2, w2: 3, w3: 4),
            Hash256(w0: 1, w1: 2 ^ 1 << 17, w2: 3, w3: 4),
            Hash256(w0: 1, w1: 2, w2: 3 ^ 1, w3: 4),
            Hash256(w0: 1, w1: 2, w2: 3, w3: 4 ^ 1 << 40),
            Hash256(w0: 3, w1: 4, w2: 1, w3: 2),
        ]
        let h = SplitBlockBloomFilter.hash(base, seed: 5)
        for variant in variants {
            #expect(SplitBlockBloomFilter.hash(variant, seed: 5) != h)
        }
    }

    @Test("Parquet layout: upper 32 bits pick the block by multiply-shift, one salted bit per word")
    func parquetLayout() throws {
        // Upper half 0xC000_0000 of 4 blocks is block 3; the salts are the specification's.
        let hash: UInt64 = 0xC000_0000_1234_5678
        var filter = SplitBlockBloomFilter(blockCount: 4, seed: 0)
        filter.insert(hash: hash)
        let salts: [UInt32] = [
            0x47B6_137B, 0x4497_4D91, 0x8824_AD5B, 0xA2B7_289D, 0x7054_95C7, 0x2DF1_424B, 0x9EFC_4947, 0x5C6B_FB31,
        ]
        let expected = [UInt32](repeating: 0, count: 24) + salts.map { 1 << ((0x1234_5678 &* $0) >> 27) }
        let words = Array(filter.storage.buffer)
        #expect(words == expected)
        #expect(filter.mayContain(hash: hash))
        // Same key bits in another block: not there.
        #expect(!filter.mayContain(hash: 0x0000_0000_1234_5678))
    }

    @Test("a block count that is not a power of two uses every block")
    func everyBlockUsed() {
        var filter = SplitBlockBloomFilter(blockCount: 1_000, seed: 3)
        for key in Self.randomDigests(count: 50_000, stream: 5) { filter.insert(key) }
        let words = filter.storage.buffer
        let empty = (0..<1_000).filter { block in (0..<8).allSatisfy { words[block * 8 + $0] == 0 } }
        #expect(empty.isEmpty)
    }

    @Test("copies are independent: inserting into one leaves the other unchanged")
    func copyOnWrite() {
        var original = SplitBlockBloomFilter(blockCount: 16, seed: 9)
        let key = Hash256(w0: 9, w1: 9, w2: 9, w3: 9)
        let before = original
        original.insert(key)
        #expect(original.mayContain(key))
        #expect(!before.mayContain(key))
        #expect(before.insertedCount == 0)
        #expect(original != before)
    }
}
