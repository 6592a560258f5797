import HallmarkCore
import Testing

/// The near-match index against a scan of every hash: the same answers, whatever the distance.
@Suite struct PDQIndexTests {
    typealias Generator = LogTestSupport.SeededGenerator

    /// `hash` with `bits` distinct bits flipped, chosen by `generator`.
    static func flip(_ hash: Hash256, bits: Int, using generator: inout Generator) -> Hash256 {
        var positions = Set<Int>()
        while positions.count < bits { positions.insert(Int.random(in: 0..<256, using: &generator)) }
        var words = [hash.w0, hash.w1, hash.w2, hash.w3]
        for position in positions { words[position / 64] ^= 1 << UInt64(position % 64) }
        return Hash256(w0: words[0], w1: words[1], w2: words[2], w3: words[3])
    }

    /// 100,000 random hashes, and for each of 50 centres a planted neighbour at every distance from 0 to 40.
    static func plantedHashes() -> (hashes: [Hash256], centres: [Hash256]) {
        var generator = Generator(seed: 15)
        var hashes = (0..<100_000).map { _ in LogTestSupport.randomHash(using: &generator) }
        let centres = (0..<50).map { _ in LogTestSupport.randomHash(using: &generator) }
        for centre in centres {
            for bits in 0...40 { hashes.append(flip(centre, bits: bits, using: &generator)) }
        }
        hashes.shuffle(using: &generator)
        return (hashes, centres)
    }

    @Test func bulkBuiltIndexAnswersAsAScanDoes() {
        let (hashes, centres) = Self.plantedHashes()
        let index = PDQIndex(hashes: hashes)
        #expect(index.count == Set(hashes).count)
        var generator = Generator(seed: 16)
        let strangers = (0..<50).map { _ in LogTestSupport.randomHash(using: &generator) }
        for query in centres + strangers {
            for distance in [0, 1, 15, 16, 17, 31, 32, 40, 47, 64] {
                let expected = PDQIndex.scan(hashes, for: query, within: distance)
                #expect(index.matches(of: query, within: distance) == expected, "distance \(distance)")
            }
        }
        // Every planted neighbour within 31 is found: 32 per centre (distances 0 to 31).
        for centre in centres {
            let found = index.matches(of: centre, within: 31)
            #expect(found.count >= 32)
            #expect(Set(found.map(\.distance)).isSuperset(of: 0...31))
            #expect(found.map(\.distance) == found.map(\.distance).sorted())
        }
    }

    @Test func insertedHashesAreFoundBeforeAndAfterCompaction() {
        let (hashes, centres) = Self.plantedHashes()
        var index = PDQIndex(hashes: Array(hashes[..<50_000]))
        var compactions = 0
        for hash in hashes[50_000...] {
            index.insert(hash)
            if index.needsCompaction {
                index = index.compacted()
                compactions += 1
            }
        }
        #expect(compactions > 0)
        #expect(index.count == Set(hashes).count)
        for centre in centres {
            #expect(index.matches(of: centre, within: 31) == PDQIndex.scan(hashes, for: centre, within: 31))
        }
    }

    @Test func aCompactionBuiltAsideTakesOverLaterInserts() {
        var generator = Generator(seed: 17)
        let first = (0..<5_000).map { _ in LogTestSupport.randomHash(using: &generator) }
        let later = (0..<10).map { _ in LogTestSupport.randomHash(using: &generator) }
        var index = PDQIndex()
        for hash in first { index.insert(hash) }
        #expect(index.needsCompaction)
        let older = index
        var fresh = older.compacted()
        for hash in later { index.insert(hash) }
        for hash in index.inserted(since: older) { fresh.insert(hash) }
        #expect(fresh.count == 5_010)
        #expect(!fresh.needsCompaction)
        for hash in later + [first[0], first[4_999]] {
            #expect(fresh.matches(of: hash, within: 0) == [PDQMatch(hash: hash, distance: 0)])
        }
    }

    @Test func distanceCountsDifferingBits() {
        let other = Hash256(w0: 1 << 63, w1: 0b1011, w2: 0, w3: .max)
        #expect(Hash256.zero.distance(to: other) == 1 + 3 + 64)
        #expect(other.distance(to: other) == 0)
        #expect(Hash256.zero.distance(to: Hash256(w0: .max, w1: .max, w2: .max, w3: .max)) == 256)
    }

    @Test func duplicatesAreHeldOnceAndDistancesAreClamped() {
        var generator = Generator(seed: 18)
        let hash = LogTestSupport.randomHash(using: &generator)
        var index = PDQIndex(hashes: [hash, hash])
        index.insert(hash)
        #expect(index.count == 1)
        let far = Self.flip(hash, bits: 100, using: &generator)
        index.insert(far)
        #expect(index.matches(of: hash, within: 1_000).map(\.hash) == [hash])
        #expect(index.matches(of: hash, within: -5) == [PDQMatch(hash: hash, distance: 0)])
        #expect(PDQIndex().matches(of: hash, within: 31).isEmpty)
    }
}
