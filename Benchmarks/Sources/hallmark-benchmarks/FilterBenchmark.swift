import HallmarkCore

/// The filter measurements at one key count: Hallmark's split-block filter and libbloom on the same keys.
struct FilterBenchmark {
    /// Keys inserted into each filter.
    let keyCount: Int
    /// Present and absent keys looked up (each).
    let probeCount: Int
    /// The false-positive rate both filters are sized for.
    let targetRate = 0.001
    /// Keys generated at a time, outside the timed regions; 2 MiB of keys, so they stay in cache.
    let chunkSize = 65_536

    let inserted = KeyStream(stream: 1)
    let absent = KeyStream(stream: 2)

    /// What Hallmark's filter measured.
    struct HallmarkResult {
        var byteCount = 0
        var bitsPerKey = 0.0
        var expectedRate = 0.0
        var measuredRate = 0.0
        var insert = Stopwatch()
        var hash = Stopwatch()
        var presentDigest = Stopwatch(), absentDigest = Stopwatch()
        var presentSingle = Stopwatch(), absentSingle = Stopwatch()
        var presentBatch = Stopwatch(), absentBatch = Stopwatch()
    }

    /// The timings compared pass by pass.
    static var hallmarkTimings: [WritableKeyPath<HallmarkResult, Stopwatch>] {
        [
            \.insert, \.hash, \.presentDigest, \.absentDigest, \.presentSingle, \.absentSingle, \.presentBatch,
            \.absentBatch,
        ]
    }

    /// What libbloom measured.
    struct LibbloomResult {
        var byteCount = 0
        var bitsPerKey = 0.0
        var hashCount = 0
        var measuredRate = 0.0
        var insert = Stopwatch()
        var present = Stopwatch(), absent = Stopwatch()
    }

    /// The timings compared pass by pass.
    static var libbloomTimings: [WritableKeyPath<LibbloomResult, Stopwatch>] { [\.insert, \.present, \.absent] }

    /// Calls `body` with consecutive chunks of keys `0 ..< count` of `stream`.
    func forEachChunk(
        of stream: KeyStream,
        count: Int,
        _ body: (UnsafeBufferPointer<Hash256>) -> Void
    ) {
        let buffer = UnsafeMutableBufferPointer<Hash256>.allocate(capacity: chunkSize)
        defer { buffer.deallocate() }
        var first = 0
        while first < count {
            let chunk = UnsafeMutableBufferPointer(rebasing: buffer[0..<min(chunkSize, count - first)])
            stream.fill(chunk, from: first)
            body(UnsafeBufferPointer(chunk))
            first += chunk.count
        }
    }

    func runHallmark(seed: UInt64) -> HallmarkResult {
        var result = HallmarkResult()
        var filter = SplitBlockBloomFilter(expectedCount: keyCount, falsePositiveRate: targetRate, seed: seed)
        result.byteCount = filter.byteCount
        result.bitsPerKey = filter.bitsPerKey(forCount: keyCount)
        result.expectedRate = filter.expectedFalsePositiveRate(forCount: keyCount)

        forEachChunk(of: inserted, count: keyCount) { keys in
            result.insert.time(operations: keys.count) {
                for key in keys { filter.insert(key) }
            }
        }

        let hashes = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: chunkSize)
        let answers = UnsafeMutableBufferPointer<Bool>.allocate(capacity: chunkSize)
        defer {
            hashes.deallocate()
            answers.deallocate()
        }
        var absentPositives = 0
        for (stream, isPresent) in [(inserted, true), (absent, false)] {
            var digestFound = 0, singleFound = 0, batchFound = 0
            forEachChunk(of: stream, count: probeCount) { keys in
                digestFound +=
                    isPresent
                    ? result.presentDigest.time(operations: keys.count) { Self.lookUp(filter, keys) }
                    : result.absentDigest.time(operations: keys.count) { Self.lookUp(filter, keys) }
                let chunkHashes = UnsafeMutableBufferPointer(rebasing: hashes[0..<keys.count])
                result.hash.time(operations: keys.count) {
                    for i in 0..<keys.count {
                        chunkHashes[i] = SplitBlockBloomFilter.hash(keys[i], seed: seed)
                    }
                }
                let input = UnsafeBufferPointer(chunkHashes)
                singleFound +=
                    isPresent
                    ? result.presentSingle.time(operations: keys.count) { Self.lookUp(filter, input) }
                    : result.absentSingle.time(operations: keys.count) { Self.lookUp(filter, input) }
                batchFound +=
                    isPresent
                    ? result.presentBatch.time(operations: keys.count) {
                        filter.mayContain(hashes: input, into: answers)
                    }
                    : result.absentBatch.time(operations: keys.count) {
                        filter.mayContain(hashes: input, into: answers)
                    }
            }
            precondition(digestFound == singleFound && singleFound == batchFound, "lookup variants disagree")
            if isPresent {
                precondition(digestFound == probeCount, "Hallmark's filter lost \(probeCount - digestFound) keys")
            } else {
                absentPositives = digestFound
            }
        }
        result.measuredRate = Double(absentPositives) / Double(probeCount)
        return result
    }

    func runLibbloom() -> LibbloomResult {
        var result = LibbloomResult()
        let filter = Libbloom(entries: keyCount, error: targetRate)
        result.byteCount = filter.byteCount
        result.bitsPerKey = Double(filter.bitCount) / Double(keyCount)
        result.hashCount = filter.hashCount
        forEachChunk(of: inserted, count: keyCount) { keys in
            result.insert.time(operations: keys.count) { filter.add(keys) }
        }
        var present = 0, falsePositives = 0
        forEachChunk(of: inserted, count: probeCount) { keys in
            present += result.present.time(operations: keys.count) { filter.countPresent(keys) }
        }
        forEachChunk(of: absent, count: probeCount) { keys in
            falsePositives += result.absent.time(operations: keys.count) { filter.countPresent(keys) }
        }
        precondition(present == probeCount, "libbloom lost \(probeCount - present) keys")
        result.measuredRate = Double(falsePositives) / Double(probeCount)
        return result
    }

    /// Single lookups by digest, hashing included; returns how many were positive.
    @inline(never)
    static func lookUp(_ filter: SplitBlockBloomFilter, _ keys: UnsafeBufferPointer<Hash256>) -> Int {
        var found = 0
        for key in keys where filter.mayContain(key) { found &+= 1 }
        return found
    }

    /// Single lookups of pre-hashed values; returns how many were positive.
    @inline(never)
    static func lookUp(_ filter: SplitBlockBloomFilter, _ hashes: UnsafeBufferPointer<UInt64>) -> Int {
        var found = 0
        for hash in hashes where filter.mayContain(hash: hash) { found &+= 1 }
        return found
    }
}

extension FilterBenchmark.HallmarkResult {
    /// Keeps, timing by timing, the faster of this pass and `other`.
    mutating func keepFaster(_ other: Self) {
        for path in FilterBenchmark.hallmarkTimings where other[keyPath: path].isFaster(than: self[keyPath: path]) {
            self[keyPath: path] = other[keyPath: path]
        }
    }
}

extension FilterBenchmark.LibbloomResult {
    /// Keeps, timing by timing, the faster of this pass and `other`.
    mutating func keepFaster(_ other: Self) {
        for path in FilterBenchmark.libbloomTimings where other[keyPath: path].isFaster(than: self[keyPath: path]) {
            self[keyPath: path] = other[keyPath: path]
        }
    }
}
