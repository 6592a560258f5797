import Foundation
import HallmarkCore

/// Consecutive entries of one origin's log, as one row of `log_segments`: each entry's exact bytes, and who this node
/// received them from and when.
///
/// A row per entry cost SQLite a B-tree insert and a row's overhead for every entry; a segment of up to
/// ``maximumEntries`` entries is one sequential insert (BENCHMARKS.md, "Store layouts"). Leaf hashes are not stored:
/// they are the SHA-256 of the bytes, and the checkpoints' roots are what proves the bytes unaltered.
struct LogSegment {
    /// The most entries a segment holds: reading one entry reads and unpacks its segment (about 36 KiB stored for an
    /// import's entries, ``PackedEntries``).
    static let maximumEntries = 1024
    /// The most bytes of entries a segment holds, whatever their number (notes make entries longer).
    static let maximumBytes = 128 * 1024

    /// Who this node received a run of the segment's entries from, and when: one per commit that added to it.
    struct Receipt: Equatable {
        /// The position in the segment of the run's first entry.
        var start: Int
        /// The member the entries came from (this member for its own).
        var from: String
        /// When they were committed, in milliseconds since 1970 (`receipt_clock`).
        var at: Int64
    }

    /// The log index of the first entry.
    var firstIndex: UInt64
    /// The entries' exact bytes, in log order.
    private(set) var entries: [[UInt8]] = []
    /// Ascending by `start`; the first starts at 0.
    private(set) var receipts: [Receipt] = []
    /// The bytes of every entry together.
    private(set) var byteCount = 0

    init(firstIndex: UInt64) {
        self.firstIndex = firstIndex
    }

    /// The index after the last entry.
    var endIndex: UInt64 { firstIndex + UInt64(truncatingIfNeeded: entries.count) }

    /// The size below which a later commit continues the segment rather than starting another. A commit that continues
    /// it rewrites the whole row: this bounds what a commit of one entry writes (a larger segment would be written
    /// again for every small commit), while commits of hundreds of entries make segments of their own.
    static let continuedBytes = 16 * 1024

    /// Whether a later commit continues this segment (see ``continuedBytes``).
    var takesMore: Bool { byteCount < Self.continuedBytes && entries.count < Self.maximumEntries }

    /// Whether another entry of `size` bytes would take the segment past its bounds.
    func isFull(adding size: Int) -> Bool {
        !entries.isEmpty && (entries.count >= Self.maximumEntries || byteCount + size > Self.maximumBytes)
    }

    /// Adds the next entry of the log.
    mutating func append(_ bytes: [UInt8], from: String, at time: Int64) {
        if receipts.last.map({ $0.from != from || $0.at != time }) ?? true {
            receipts.append(Receipt(start: entries.count, from: from, at: time))
        }
        entries.append(bytes)
        byteCount += bytes.count
    }

    /// The receipt of the entry at `position`.
    func receipt(at position: Int) -> Receipt {
        // Receipts are few (one per commit that reached the segment): a scan from the end finds the run.
        receipts.last { $0.start <= position } ?? receipts[0]
    }
}

// Stored form: `entries` is ``PackedEntries``; `receipts` is, per run, its start (4 bytes), its time (8 bytes, signed),
// the length of the member's name (2 bytes) and the name in UTF-8, all big-endian.
extension LogSegment {
    /// The `entries` column.
    var encodedEntries: Data { PackedEntries.pack(entries) }

    /// The `receipts` column.
    var encodedReceipts: Data {
        var data = Data()
        for receipt in receipts {
            let name = Array(receipt.from.utf8)
            data.appendBigEndian(UInt32(truncatingIfNeeded: receipt.start))
            data.appendBigEndian(UInt64(bitPattern: receipt.at))
            data.appendBigEndian(UInt16(truncatingIfNeeded: name.count))
            data.append(contentsOf: name)
        }
        return data
    }

    /// A segment as stored.
    /// - Throws: ``HallmarkError`` `store-problem`, naming the segment, when the columns do not hold `count` entries
    ///   and receipts covering them (a file altered or damaged outside Hallmark).
    init(origin: String, firstIndex: UInt64, count: Int, entries: Data, receipts: Data) throws {
        self.init(firstIndex: firstIndex)
        let location = "log_segments \(origin)#\(firstIndex)"
        func damaged(_ what: String) -> HallmarkError {
            HallmarkError(
                .storeProblem,
                "the segment of \(origin)'s log from entry \(firstIndex) \(what); run 'hallmark audit verify-store'",
                location: location
            )
        }
        guard let decoded = PackedEntries.unpack(entries) else { throw damaged("does not hold packed entries") }
        guard decoded.count == count, count > 0 else {
            throw damaged("holds \(decoded.count) entries, not the \(count) recorded")
        }
        var runs: [Receipt] = []
        var receiptReader = StoredBytesReader(receipts)
        while !receiptReader.isAtEnd {
            guard let rawStart = receiptReader.uint32(), let at = receiptReader.uint64(),
                let length = receiptReader.uint16(), let name = receiptReader.bytes(Int(truncatingIfNeeded: length))
            else { throw damaged("has a receipt cut short") }
            // UInt32 into a 64-bit Int: exact.
            let start = Int(truncatingIfNeeded: rawStart)
            let inOrder = start == 0 ? runs.isEmpty : (runs.last.map { $0.start < start } ?? false)
            guard start < count, inOrder else { throw damaged("has receipts out of order") }
            let from = String(decoding: name, as: UTF8.self)
            runs.append(Receipt(start: start, from: from, at: Int64(bitPattern: at)))
        }
        guard !runs.isEmpty else { throw damaged("has no receipt") }
        self.entries = decoded
        self.receipts = runs
        self.byteCount = decoded.reduce(0) { $0 + $1.count }
    }
}

extension Data {
    fileprivate mutating func appendBigEndian<Value: FixedWidthInteger>(_ value: Value) {
        Swift.withUnsafeBytes(of: value.bigEndian) { append(contentsOf: $0) }
    }
}
