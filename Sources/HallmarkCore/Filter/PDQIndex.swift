/// An exact index of 256-bit PDQ image hashes that finds every stored hash within a Hamming distance of a query.
///
/// Multi-index hashing: each hash is cut into 16 substrings of 16 bits, and each substring position has a table
/// from substring value to the hashes holding it. Two hashes within distance `d` differ by at most `⌊d/16⌋` bits
/// in at least one substring (were every substring `⌊d/16⌋ + 1` bits apart, the hashes would be more than `d` apart),
/// so probing, in every table, each value within `⌊d/16⌋` bits of the query's substring reaches every hash within
/// `d`, and checking each candidate's full distance drops the others. At the PDQ threshold of 31 that is 17 probes
/// per table; nothing within the distance is ever missed.
///
/// The tables are built in bulk, by counting sort, into flat arrays (``Segment``): about 96 bytes per hash. Hashes
/// inserted later wait in a short list that queries scan one by one, until ``needsCompaction`` says to build a new
/// segment holding all of them (``compacted()``, which may run outside any lock: the index is a value).
public struct PDQIndex: Sendable {
    /// The largest distance a query may ask for: a query probes 17 values per table up to 31 bits, 137 up to 47,
    /// 697 up to 63 and 2 517 at 64, while no two hashes of related images are that far apart (unrelated ones are
    /// about 128 apart).
    public static let maximumDistance = 64

    /// Hashes inserted since the segment was built stay in ``recent`` until there are this many, or a sixty-fourth of
    /// the segment's count when that is more: a scan of them stays a small part of a query, and rebuilding the
    /// segment stays a small part of the inserts.
    static let recentLimit = 4_096

    private var segment: Segment
    private var recent: [Hash256] = []
    private var recentSet: Set<Hash256> = []

    /// An empty index.
    public init() {
        segment = Segment(hashes: [])
    }

    /// An index of `hashes`, built in bulk; duplicates are held once.
    public init(hashes: [Hash256]) {
        let unique = Self.unique(hashes)
        // A few hashes are scanned faster than tables are built, and the tables' 4 MiB of offsets are not spent.
        guard unique.count > Self.recentLimit else {
            segment = Segment(hashes: [])
            recent = unique
            recentSet = Set(unique)
            return
        }
        segment = Segment(hashes: unique)
    }

    /// The number of distinct hashes held.
    public var count: Int { segment.hashes.count + recent.count }

    /// Adds `hash`, unless it is held already.
    public mutating func insert(_ hash: Hash256) {
        guard !segment.contains(hash), !recentSet.contains(hash) else { return }
        recent.append(hash)
        recentSet.insert(hash)
    }

    /// Whether enough hashes were inserted since the segment was built that ``compacted()`` should be swapped in.
    public var needsCompaction: Bool { recent.count > max(Self.recentLimit, segment.hashes.count / 64) }

    /// The same hashes with the recent ones built into the segment.
    public func compacted() -> PDQIndex {
        var index = PDQIndex()
        var hashes = Array(segment.hashes)
        hashes.append(contentsOf: recent)
        index.segment = Segment(hashes: hashes)
        return index
    }

    /// The hashes inserted after the first `count` of those ``recent`` holds in `older`, which this index was
    /// compacted from: what a compaction built outside a lock must take over from the index it replaces.
    public func inserted(since older: PDQIndex) -> ArraySlice<Hash256> {
        recent.count > older.recent.count ? recent[older.recent.count...] : []
    }

    /// Every held hash within `distance` bits of `query`, nearest first (ties in hash order).
    /// - Parameters:
    ///   - query: The hash to match.
    ///   - distance: The largest Hamming distance that matches, clamped to `0...maximumDistance`.
    public func matches(of query: Hash256, within distance: Int) -> [PDQMatch] {
        let distance = min(max(distance, 0), Self.maximumDistance)
        var found: [PDQMatch] = []
        segment.collectMatches(of: query, within: distance, into: &found)
        for hash in recent {
            let bits = hash.distance(to: query)
            if bits <= distance { found.append(PDQMatch(hash: hash, distance: bits)) }
        }
        // A hash reached through several substrings is found once per substring.
        found.sort()
        var unique: [PDQMatch] = []
        unique.reserveCapacity(found.count)
        for match in found where unique.last != match { unique.append(match) }
        return unique
    }

    /// Every hash of `hashes` within `distance` bits of `query`, nearest first, found by comparing each one: the
    /// reference the index is tested and measured against.
    public static func scan(_ hashes: [Hash256], for query: Hash256, within distance: Int) -> [PDQMatch] {
        var found: [PDQMatch] = []
        for hash in hashes {
            let bits = hash.distance(to: query)
            if bits <= distance { found.append(PDQMatch(hash: hash, distance: bits)) }
        }
        return found.sorted()
    }

    private static func unique(_ hashes: [Hash256]) -> [Hash256] {
        var seen = Set<Hash256>(minimumCapacity: hashes.count)
        return hashes.filter { seen.insert($0).inserted }
    }
}

/// A stored PDQ hash found near a query.
public struct PDQMatch: Sendable, Hashable, Comparable {
    /// The stored hash.
    public var hash: Hash256
    /// Its Hamming distance from the query, 0–256.
    public var distance: Int

    /// Creates a match.
    public init(hash: Hash256, distance: Int) {
        self.hash = hash
        self.distance = distance
    }

    /// Nearest first; equally near ones in hash order.
    public static func < (lhs: PDQMatch, rhs: PDQMatch) -> Bool {
        (lhs.distance, lhs.hash) < (rhs.distance, rhs.hash)
    }
}

extension Hash256 {
    /// The number of bits in which this value and `other` differ (the Hamming distance between two PDQ hashes).
    @inlinable
    public func distance(to other: Hash256) -> Int {
        (w0 ^ other.w0).nonzeroBitCount + (w1 ^ other.w1).nonzeroBitCount + (w2 ^ other.w2).nonzeroBitCount
            + (w3 ^ other.w3).nonzeroBitCount
    }
}
