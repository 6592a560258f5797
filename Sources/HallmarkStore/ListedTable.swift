import HallmarkCore
import HallmarkRecords

/// The folded state of every listed indicator, held compactly in memory so that a positive check is answered
/// without asking SQLite: each origin's assertion that stands (listed; expiry is judged by the caller) and every
/// dispute, exactly as ``HallmarkStore/assertions(for:)`` reads them from the store.
///
/// Layout, chosen for bytes per indicator (see BENCHMARKS.md): a sorted run of 24-byte keys (the digest's first 24
/// bytes) with one 4-byte end offset each into an arena of varint-coded records, found through a directory of
/// buckets by the key's top bits (the digests are uniformly random, so a bucket holds about four keys); member ids,
/// kinds and (reason, note) pairs are interned, and times are stored as deltas. Changes go to an overlay that is
/// merged into a new sorted run once it grows (``compacted()``). Kinds whose digests are not keyed hashes (PDQ image
/// hashes, whose near-duplicates may share 24 bytes) keep the digest's last 8 bytes in the record too, and a key
/// holds as many (kind, digest) groups as share it.
struct ListedTable: Sendable {
    /// A digest's first 24 bytes: 192 bits, which no two keyed digests share but by a collision of SHA-256's output.
    struct Key: Hashable, Comparable {
        var w0: UInt64, w1: UInt64, w2: UInt64

        init(_ digest: Hash256) { (w0, w1, w2) = (digest.w0, digest.w1, digest.w2) }
        init(w0: UInt64, w1: UInt64, w2: UInt64) { (self.w0, self.w1, self.w2) = (w0, w1, w2) }

        static func < (lhs: Key, rhs: Key) -> Bool { (lhs.w0, lhs.w1, lhs.w2) < (rhs.w0, rhs.w1, rhs.w2) }
    }

    /// An indicator, for the disputes held beside the table.
    struct Indicator: Hashable {
        var kind: IndicatorKind
        var digest: Hash256
    }

    /// One dispute as the table holds it: of which origin's assertion, and the dispute.
    struct HeldDispute: Equatable {
        var disputedOrigin: MemberID
        var record: DisputeRecord
    }

    /// One listed assertion with its strings interned.
    struct Stored: Equatable {
        var origin: Int
        var confidence: Int
        var text: Int
        var firstSeen: Int64
        var lastSeen: Int64
        var expires: Int64?
        var lastIndex: UInt64
        var receivedFrom: Int
        var receivedAt: Int64
    }

    /// The assertions of one (kind, digest) under a key, in origin order.
    struct Group {
        var kind: Int
        /// The digest's last word, for kinds that keep it (``keepsTail(_:)``).
        var tail: UInt64?
        var assertions: [Stored]
    }

    /// The (reason, note) of an assertion, interned as one.
    struct Text: Hashable {
        var reason: String
        var note: String
    }

    /// The sorted run: immutable between compactions, shared by copies.
    struct Run {
        /// Three words per key, in key order.
        var keys: [UInt64] = []
        /// Where each key's record ends in ``arena`` (it starts where the previous one ends).
        var ends: [UInt32] = []
        var arena: [UInt8] = []
        /// For each bucket, the position of its first key; one more element than there are buckets.
        var directory: [UInt32] = [0, 0, 0]
        /// A key's bucket is its first word shifted right by this.
        var shift: UInt64 = 63

        var count: Int { ends.count }

        func record(for key: Key) -> ArraySlice<UInt8>? {
            let bucket = Int(truncatingIfNeeded: key.w0 >> shift)
            // A binary search in the bucket: about four keys when digests are random, and no worse than a search
            // of the whole run when a peer chose digests that crowd one bucket.
            var low = Int(truncatingIfNeeded: directory[bucket])
            var high = Int(truncatingIfNeeded: directory[bucket + 1])
            while low < high {
                let middle = (low + high) / 2
                if self.key(at: middle) < key { low = middle + 1 } else { high = middle }
            }
            guard low < Int(truncatingIfNeeded: directory[bucket + 1]), self.key(at: low) == key else { return nil }
            return record(at: low)
        }

        func key(at position: Int) -> Key {
            Key(w0: keys[3 * position], w1: keys[3 * position + 1], w2: keys[3 * position + 2])
        }

        func record(at position: Int) -> ArraySlice<UInt8> {
            let start = position == 0 ? 0 : ends[position &- 1]
            return arena[Int(truncatingIfNeeded: start)..<Int(truncatingIfNeeded: ends[position])]
        }

        /// A run of `records`, given in key order with no key twice. Every array is allocated at its final size: the
        /// table's memory is what it holds, not what doubling growth left over.
        init(sorted records: [(Key, ArraySlice<UInt8>)]) {
            let count = records.count
            // About four keys per bucket: the directory costs a byte per key and a lookup reads one or two lines.
            var bits = 0
            while (1 << (bits + 2)) < count && bits < 62 { bits += 1 }
            shift = UInt64(truncatingIfNeeded: 64 - max(bits, 1))
            let buckets = 1 << max(bits, 1)
            keys.reserveCapacity(3 * count)
            ends.reserveCapacity(count)
            arena.reserveCapacity(records.reduce(0) { $0 + $1.1.count })
            directory = [UInt32](repeating: 0, count: buckets + 1)
            var bucket = 0
            for (key, record) in records {
                let own = Int(truncatingIfNeeded: key.w0 >> shift)
                while bucket < own {
                    bucket += 1
                    directory[bucket] = UInt32(truncatingIfNeeded: ends.count)
                }
                keys.append(key.w0)
                keys.append(key.w1)
                keys.append(key.w2)
                arena.append(contentsOf: record)
                ends.append(UInt32(truncatingIfNeeded: arena.count))
            }
            while bucket < buckets {
                bucket += 1
                directory[bucket] = UInt32(truncatingIfNeeded: ends.count)
            }
        }

        init() {}

        var byteCount: Int { keys.capacity * 8 + ends.capacity * 4 + arena.capacity + directory.capacity * 4 }
    }

    private(set) var run = Run()
    /// Records changed since the run was built, each with the change's sequence number; an empty record is a key
    /// no longer listed.
    private var overlay: [Key: (record: [UInt8], sequence: UInt64)] = [:]
    private var sequence: UInt64 = 0
    private var members = Interner<MemberID>()
    private var kinds = Interner<IndicatorKind>()
    private var texts = Interner<Text>()
    /// Every dispute, listed assertion or not (a dispute may arrive before what it disputes), by disputer.
    private var disputes: [Indicator: [HeldDispute]] = [:]

    /// The largest arena a run may hold, its offsets being 32-bit: about 200 M listed indicators.
    static let arenaLimit = Int(truncatingIfNeeded: UInt32.max)

    /// Whether a kind keeps its digest's last word: its digests are not keyed hashes, so two of them may share a key.
    static func keepsTail(_ kind: IndicatorKind) -> Bool {
        !(kind == .seller || kind == .sku || kind == .url)
    }

    // MARK: Reading

    /// Every origin's listed assertion about (`kind`, `digest`), in origin order, with its disputes: what
    /// ``HallmarkStore/assertions(for:)`` returns for it, less the assertions retracted.
    func assertions(kind: IndicatorKind, digest: Hash256) -> [AssertionRecord] {
        guard let kindID = kinds.id(of: kind), let record = record(for: Key(digest)) else { return [] }
        guard let group = Self.groups(in: record).first(where: { Self.matches($0, kindID, kind, digest) }) else {
            return []
        }
        let held = disputes[Indicator(kind: kind, digest: digest)] ?? []
        return group.assertions.map { stored in
            let origin = members[stored.origin]
            let text = texts[stored.text]
            return AssertionRecord(
                origin: origin,
                listed: true,
                confidence: stored.confidence,
                reason: text.reason,
                note: text.note,
                expires: stored.expires.map(Timestamp.init(millisecondsSince1970:)),
                firstSeen: Timestamp(millisecondsSince1970: stored.firstSeen),
                lastSeen: Timestamp(millisecondsSince1970: stored.lastSeen),
                retractedAt: nil,
                lastIndex: stored.lastIndex,
                receivedFrom: members[stored.receivedFrom],
                receivedAt: Timestamp(millisecondsSince1970: stored.receivedAt),
                disputes: held.filter { $0.disputedOrigin == origin }.map(\.record)
            )
        }
    }

    private func record(for key: Key) -> ArraySlice<UInt8>? {
        if let changed = overlay[key] { return changed.record.isEmpty ? nil : changed.record[...] }
        return run.record(for: key)
    }

    private static func matches(_ group: Group, _ kindID: Int, _ kind: IndicatorKind, _ digest: Hash256) -> Bool {
        group.kind == kindID && (keepsTail(kind) ? group.tail == digest.w3 : true)
    }

    /// Listed keys, counting what the overlay adds and removes only approximately until the next compaction.
    var approximateCount: Int { run.count + overlay.count }

    /// Bytes held, roughly: the run, the overlay and the interned values.
    var approximateByteCount: Int {
        run.byteCount + overlay.count * 96 + disputes.count * 128
            + (members.count + kinds.count + texts.count) * 64
    }

    // MARK: Changing

    /// A change to the folded state, as an append made it.
    enum Change: Sendable {
        /// An origin asserted (or re-asserted) an indicator: `record` is its assertion now (listed, no disputes).
        case asserted(IndicatorKind, Hash256, AssertionRecord)
        /// An origin retracted its assertion.
        case retracted(IndicatorKind, Hash256, origin: MemberID)
        /// A member disputed an origin's assertion (or replaced its dispute).
        case disputed(IndicatorKind, Hash256, disputedOrigin: MemberID, DisputeRecord)
    }

    mutating func apply(_ change: Change) {
        switch change {
        case .asserted(let kind, let digest, let record):
            let stored = interned(record)
            let kindID = kinds.intern(kind)
            let members = self.members
            modify(kind: kind, kindID: kindID, digest: digest) { assertions in
                if let position = assertions.firstIndex(where: { $0.origin == stored.origin }) {
                    assertions[position] = stored
                } else {
                    let name = record.origin.rawValue
                    let position =
                        assertions.firstIndex { Self.precedes(name, members[$0.origin].rawValue) }
                        ?? assertions.endIndex
                    assertions.insert(stored, at: position)
                }
            }
        case .retracted(let kind, let digest, let origin):
            guard let kindID = kinds.id(of: kind), let originID = members.id(of: origin) else { return }
            modify(kind: kind, kindID: kindID, digest: digest) { assertions in
                assertions.removeAll { $0.origin == originID }
            }
        case .disputed(let kind, let digest, let disputedOrigin, let record):
            var held = disputes[Indicator(kind: kind, digest: digest)] ?? []
            held.removeAll { $0.disputedOrigin == disputedOrigin && $0.record.disputer == record.disputer }
            let position =
                held.firstIndex { Self.precedes(record.disputer.rawValue, $0.record.disputer.rawValue) }
                ?? held.endIndex
            held.insert(HeldDispute(disputedOrigin: disputedOrigin, record: record), at: position)
            disputes[Indicator(kind: kind, digest: digest)] = held
        }
    }

    /// `record` with its strings interned.
    mutating func interned(_ record: AssertionRecord) -> Stored {
        Stored(
            origin: members.intern(record.origin),
            confidence: record.confidence,
            text: texts.intern(Text(reason: record.reason, note: record.note)),
            firstSeen: record.firstSeen.millisecondsSince1970,
            lastSeen: record.lastSeen.millisecondsSince1970,
            expires: record.expires?.millisecondsSince1970,
            lastIndex: record.lastIndex,
            receivedFrom: members.intern(record.receivedFrom),
            receivedAt: record.receivedAt.millisecondsSince1970
        )
    }

    /// SQLite's order of TEXT values (bytes), which the store's queries return assertions and disputes in.
    static func precedes(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
    }

    private mutating func modify(
        kind: IndicatorKind,
        kindID: Int,
        digest: Hash256,
        _ change: (inout [Stored]) -> Void
    ) {
        let key = Key(digest)
        var groups = record(for: key).map(Self.groups(in:)) ?? []
        if let position = groups.firstIndex(where: { Self.matches($0, kindID, kind, digest) }) {
            change(&groups[position].assertions)
            if groups[position].assertions.isEmpty { groups.remove(at: position) }
        } else {
            var group = Group(kind: kindID, tail: Self.keepsTail(kind) ? digest.w3 : nil, assertions: [])
            change(&group.assertions)
            guard !group.assertions.isEmpty else { return }
            groups.append(group)
        }
        var bytes: [UInt8] = []
        for group in groups { Self.encode(group, into: &bytes) }
        sequence += 1
        overlay[key] = (bytes, sequence)
    }

    // MARK: Compaction

    /// Whether the overlay has grown enough to merge into a new run: an eighth of the run, at least 64 k keys.
    var needsCompaction: Bool { overlay.count > max(1 << 16, run.count / 8) }

    /// The sequence number of the latest change, for ``carryOver(from:since:)``.
    var latestSequence: UInt64 { sequence }

    /// This table with its overlay merged into a new run.
    func compacted() -> ListedTable {
        let changed = overlay.keys.sorted()
        var merged: [(Key, ArraySlice<UInt8>)] = []
        var position = 0
        for key in changed {
            while position < run.count, run.key(at: position) < key {
                merged.append((run.key(at: position), run.record(at: position)))
                position += 1
            }
            if position < run.count, run.key(at: position) == key { position += 1 }
            if let record = overlay[key]?.record, !record.isEmpty { merged.append((key, record[...])) }
        }
        while position < run.count {
            merged.append((run.key(at: position), run.record(at: position)))
            position += 1
        }
        var table = self
        table.run = Run(sorted: merged)
        table.overlay = [:]
        return table
    }

    /// Takes a compaction of an earlier copy of `current` (made when its latest sequence was `sequence`): keeps
    /// this run, and from `current` the changes made since, the interned values and the disputes.
    mutating func carryOver(from current: ListedTable, since sequence: UInt64) {
        members = current.members
        kinds = current.kinds
        texts = current.texts
        disputes = current.disputes
        self.sequence = current.sequence
        overlay = current.overlay.filter { $0.value.sequence > sequence }
    }

    // MARK: Building

    /// Builds a table from every listed assertion, given in (kind, digest, origin) order, and every dispute.
    struct Builder {
        private var table = ListedTable()
        private var keys: [Key] = []
        private var starts: [Int] = []
        private var scratch: [UInt8] = []
        private var current: (kind: IndicatorKind, digest: Hash256, group: Group)?

        init() {}

        mutating func add(kind: IndicatorKind, digest: Hash256, _ record: AssertionRecord) {
            if let held = current, held.kind != kind || held.digest != digest { finishGroup() }
            let stored = table.interned(record)
            if current == nil {
                let kindID = table.kinds.intern(kind)
                current = (
                    kind, digest,
                    Group(kind: kindID, tail: ListedTable.keepsTail(kind) ? digest.w3 : nil, assertions: [])
                )
            }
            current?.group.assertions.append(stored)
        }

        mutating func addDispute(
            kind: IndicatorKind,
            digest: Hash256,
            disputedOrigin: MemberID,
            _ record: DisputeRecord
        ) {
            table.apply(.disputed(kind, digest, disputedOrigin: disputedOrigin, record))
        }

        private mutating func finishGroup() {
            guard let held = current else { return }
            current = nil
            keys.append(Key(held.digest))
            starts.append(scratch.count)
            ListedTable.encode(held.group, into: &scratch)
        }

        /// The table, or `nil` when its records would not fit ``arenaLimit``.
        mutating func finish() -> ListedTable? {
            finishGroup()
            guard scratch.count < ListedTable.arenaLimit else { return nil }
            starts.append(scratch.count)
            // Groups sharing a key (a PDQ near-duplicate, or one digest under two kinds) become one record.
            let order = keys.indices.sorted { keys[$0] < keys[$1] }
            var records: [(Key, ArraySlice<UInt8>)] = []
            for position in order {
                let group = scratch[starts[position]..<starts[position + 1]]
                if let last = records.last, last.0 == keys[position] {
                    records[records.count - 1].1 = ArraySlice(Array(last.1) + group)
                } else {
                    records.append((keys[position], group))
                }
            }
            table.run = Run(sorted: records)
            return table
        }
    }

    // MARK: Encoding

    static func groups(in record: ArraySlice<UInt8>) -> [Group] {
        var reader = VarintReader(record)
        var groups: [Group] = []
        while !reader.isAtEnd {
            let kind = Int(truncatingIfNeeded: reader.next())
            let tail = reader.next() == 1 ? reader.nextWord() : nil
            let count = Int(truncatingIfNeeded: reader.next())
            var assertions: [Stored] = []
            for _ in 0..<count {
                let origin = Int(truncatingIfNeeded: reader.next())
                let confidence = Int(truncatingIfNeeded: Int64(bitPattern: reader.next()))
                let text = Int(truncatingIfNeeded: reader.next())
                let firstSeen = reader.nextSigned()
                let lastSeen = firstSeen &+ reader.nextSigned()
                let expiresCode = reader.next()
                let expires = expiresCode == 0 ? nil : lastSeen &+ VarintReader.unzigzag(expiresCode &- 1)
                let lastIndex = reader.next()
                let receivedFrom = Int(truncatingIfNeeded: reader.next())
                let receivedAt = lastSeen &+ reader.nextSigned()
                assertions.append(
                    Stored(
                        origin: origin,
                        confidence: confidence,
                        text: text,
                        firstSeen: firstSeen,
                        lastSeen: lastSeen,
                        expires: expires,
                        lastIndex: lastIndex,
                        receivedFrom: receivedFrom,
                        receivedAt: receivedAt
                    )
                )
            }
            groups.append(Group(kind: kind, tail: tail, assertions: assertions))
        }
        return groups
    }

    static func encode(_ group: Group, into bytes: inout [UInt8]) {
        VarintWriter.append(UInt64(truncatingIfNeeded: group.kind), to: &bytes)
        if let tail = group.tail {
            bytes.append(1)
            VarintWriter.appendWord(tail, to: &bytes)
        } else {
            bytes.append(0)
        }
        VarintWriter.append(UInt64(truncatingIfNeeded: group.assertions.count), to: &bytes)
        for stored in group.assertions {
            VarintWriter.append(UInt64(truncatingIfNeeded: stored.origin), to: &bytes)
            // Its bit pattern: 0–100 takes one byte (zigzag would take two above 63), a negative one (never written) ten.
            VarintWriter.append(UInt64(truncatingIfNeeded: stored.confidence), to: &bytes)
            VarintWriter.append(UInt64(truncatingIfNeeded: stored.text), to: &bytes)
            VarintWriter.appendSigned(stored.firstSeen, to: &bytes)
            VarintWriter.appendSigned(stored.lastSeen &- stored.firstSeen, to: &bytes)
            VarintWriter.append(stored.expires.map { VarintWriter.zigzag($0 &- stored.lastSeen) &+ 1 } ?? 0, to: &bytes)
            VarintWriter.append(stored.lastIndex, to: &bytes)
            VarintWriter.append(UInt64(truncatingIfNeeded: stored.receivedFrom), to: &bytes)
            VarintWriter.appendSigned(stored.receivedAt &- stored.lastSeen, to: &bytes)
        }
    }
}

/// Values numbered in the order first seen, each stored once.
struct Interner<Value: Hashable>: Sendable where Value: Sendable {
    private var values: [Value] = []
    private var ids: [Value: Int] = [:]

    var count: Int { values.count }

    subscript(id: Int) -> Value { values[id] }

    func id(of value: Value) -> Int? { ids[value] }

    mutating func intern(_ value: Value) -> Int {
        if let id = ids[value] { return id }
        values.append(value)
        ids[value] = values.count - 1
        return values.count - 1
    }
}

/// LEB128 varints, zigzag for signed values, and big-endian words.
enum VarintWriter {
    static func zigzag(_ value: Int64) -> UInt64 {
        UInt64(bitPattern: (value << 1) ^ (value >> 63))
    }

    static func append(_ value: UInt64, to bytes: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(truncatingIfNeeded: value))
    }

    static func appendSigned(_ value: Int64, to bytes: inout [UInt8]) {
        append(zigzag(value), to: &bytes)
    }

    static func appendWord(_ word: UInt64, to bytes: inout [UInt8]) {
        for shift in stride(from: 56, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: word >> UInt64(truncatingIfNeeded: shift)))
        }
    }
}

/// Reads what ``VarintWriter`` wrote; only ever given the table's own records.
struct VarintReader {
    private let bytes: ArraySlice<UInt8>
    private var position: Int

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        self.position = bytes.startIndex
    }

    var isAtEnd: Bool { position >= bytes.endIndex }

    static func unzigzag(_ value: UInt64) -> Int64 {
        Int64(bitPattern: value >> 1) ^ -Int64(bitPattern: value & 1)
    }

    mutating func next() -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = bytes[position]
            position += 1
            value |= UInt64(truncatingIfNeeded: byte & 0x7f) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
    }

    mutating func nextSigned() -> Int64 { Self.unzigzag(next()) }

    mutating func nextWord() -> UInt64 {
        var word: UInt64 = 0
        for _ in 0..<8 {
            word = word << 8 | UInt64(truncatingIfNeeded: bytes[position])
            position += 1
        }
        return word
    }
}
