extension PDQIndex {
    /// The hashes known when the index was last built, with one table per 16-bit substring position, as flat arrays:
    /// for position `p` and substring value `v`, the hashes holding `v` at `p` are
    /// `ids[p * count + offsets[p * 65_537 + v] ..< p * count + offsets[p * 65_537 + v + 1]]`.
    ///
    /// The hashes are kept in ``RandomAccessMemory``, so that each lies in one cache line: nearly every candidate a
    /// query compares is a cache miss, and a hash straddling two lines would cost two. The class is immutable once
    /// built, hence `@unchecked Sendable` despite the pointer.
    final class Segment: @unchecked Sendable {
        static let positions = 16
        static let values = 1 << 16

        private let storage: UnsafeMutableBufferPointer<Hash256>
        let offsets: [UInt32]
        let ids: [UInt32]

        /// The hashes, in id order.
        var hashes: UnsafeBufferPointer<Hash256> { UnsafeBufferPointer(storage) }

        /// Builds the tables of `hashes` (distinct) by counting sort: two passes over the hashes per position.
        init(hashes: [Hash256]) {
            precondition(hashes.count < 0xFFFF_FFFF, "a PDQ index segment holds fewer than 2^32 hashes")
            let raw = RandomAccessMemory.allocate(byteCount: hashes.count * MemoryLayout<Hash256>.stride)
            storage = UnsafeMutableBufferPointer(
                start: raw.bindMemory(to: Hash256.self, capacity: hashes.count),
                count: hashes.count
            )
            _ = storage.initialize(from: hashes)
            guard !hashes.isEmpty else {
                offsets = []
                ids = []
                return
            }
            let count = hashes.count
            var offsets = [UInt32](repeating: 0, count: Self.positions * (Self.values + 1))
            var ids = [UInt32](repeating: 0, count: Self.positions * count)
            offsets.withUnsafeMutableBufferPointer { offsets in
                ids.withUnsafeMutableBufferPointer { ids in
                    for position in 0..<Self.positions {
                        let table = position * (Self.values + 1)
                        for hash in hashes {
                            offsets[table + Int(truncatingIfNeeded: Self.substring(hash, position)) + 1] += 1
                        }
                        for value in 0..<Self.values { offsets[table + value + 1] += offsets[table + value] }
                        // offsets[table + v] is now where bucket v starts; fill each bucket from its start.
                        var next = Array(offsets[table..<(table + Self.values)])
                        for (id, hash) in hashes.enumerated() {
                            let value = Int(truncatingIfNeeded: Self.substring(hash, position))
                            let slot = position * count + Int(truncatingIfNeeded: next[value])
                            ids[slot] = UInt32(truncatingIfNeeded: id)
                            next[value] += 1
                        }
                    }
                }
            }
            self.offsets = offsets
            self.ids = ids
        }

        deinit {
            storage.deinitialize()
            storage.deallocate()
        }

        /// The 16 bits of `hash` at `position` (0 is the first two bytes).
        @inline(__always)
        static func substring(_ hash: Hash256, _ position: Int) -> UInt16 {
            let word: UInt64
            switch position >> 2 {
            case 0: word = hash.w0
            case 1: word = hash.w1
            case 2: word = hash.w2
            default: word = hash.w3
            }
            return UInt16(truncatingIfNeeded: word >> UInt64(truncatingIfNeeded: 48 - 16 * (position & 3)))
        }

        /// Whether `hash` is held: one bucket of the first table.
        func contains(_ hash: Hash256) -> Bool {
            guard !hashes.isEmpty else { return false }
            let value = Int(truncatingIfNeeded: Self.substring(hash, 0))
            let bucket = Int(truncatingIfNeeded: offsets[value])..<Int(truncatingIfNeeded: offsets[value + 1])
            for slot in bucket where storage[Int(truncatingIfNeeded: ids[slot])] == hash {
                return true
            }
            return false
        }

        /// Appends to `found` every held hash within `distance` of `query` (some more than once).
        ///
        /// In two passes: the candidates' ids are gathered first (short sequential reads of the tables), then each
        /// candidate's hash is compared. Nearly every comparison misses the cache, and a loop of independent loads
        /// lets the processor wait for many of them at once, where comparing inside the bucket loop would not. The
        /// candidates are compared table by table once ``batch`` have gathered, so that a far query on a large index
        /// holds a bounded buffer.
        func collectMatches(of query: Hash256, within distance: Int, into found: inout [PDQMatch]) {
            guard !hashes.isEmpty else { return }
            let count = hashes.count
            let flips = SubstringFlips.masks[0..<SubstringFlips.countWithin[distance / Self.positions]]
            var candidates: [UInt32] = []
            candidates.reserveCapacity(Self.batch)
            offsets.withUnsafeBufferPointer { offsets in
                ids.withUnsafeBufferPointer { ids in
                    for position in 0..<Self.positions {
                        let table = position * (Self.values + 1)
                        let base = position * count
                        let value = Self.substring(query, position)
                        for flip in flips {
                            let probe = table + Int(truncatingIfNeeded: value ^ flip)
                            let start = base + Int(truncatingIfNeeded: offsets[probe])
                            let end = base + Int(truncatingIfNeeded: offsets[probe + 1])
                            candidates.append(contentsOf: UnsafeBufferPointer(rebasing: ids[start..<end]))
                        }
                        if candidates.count >= Self.batch || position == Self.positions - 1 {
                            compare(candidates, with: query, within: distance, into: &found)
                            candidates.removeAll(keepingCapacity: true)
                        }
                    }
                }
            }
        }

        /// The candidates compared at once: enough for many cache misses in flight, few enough to stay in cache.
        static let batch = 8_192

        private func compare(
            _ candidates: [UInt32],
            with query: Hash256,
            within distance: Int,
            into found: inout [PDQMatch]
        ) {
            // Copied out first, in a loop that does nothing else, so that many of the misses are in flight together;
            // then compared where they are now contiguous.
            let gathered = [Hash256](unsafeUninitializedCapacity: candidates.count) { buffer, initialized in
                for (slot, id) in candidates.enumerated() {
                    buffer.initializeElement(at: slot, to: storage[Int(truncatingIfNeeded: id)])
                }
                initialized = candidates.count
            }
            for hash in gathered {
                let bits = hash.distance(to: query)
                if bits <= distance { found.append(PDQMatch(hash: hash, distance: bits)) }
            }
        }
    }

    /// Every 16-bit mask in order of the number of bits it flips, so that the masks of at most `r` bits are the first
    /// `countWithin[r]`.
    enum SubstringFlips {
        static let masks: [UInt16] = (0...UInt16.max).sorted { ($0.nonzeroBitCount, $0) < ($1.nonzeroBitCount, $1) }
        static let countWithin: [Int] = (0...16).map { bits in masks.count { $0.nonzeroBitCount <= bits } }
    }
}
