import Crypto
import Testing

@testable import HallmarkCore

@Suite("SplitBlockBloomFilter snapshots")
struct SplitBlockBloomFilterSnapshotTests {
    static let tag = Hash256(SHA256.hash(data: Array("state after batch 17".utf8)))

    static func sampleFilter() -> SplitBlockBloomFilter {
        var filter = SplitBlockBloomFilter(expectedCount: 5_000, seed: 0x0123_4567_89AB_CDEF)
        for key in SplitBlockBloomFilterTests.randomDigests(count: 5_000, stream: 20) { filter.insert(key) }
        return filter
    }

    @Test("round trip: same filter, same tag, same answers")
    func roundTrip() throws {
        let filter = Self.sampleFilter()
        let bytes = filter.snapshot(stateTag: Self.tag)
        #expect(bytes.count == 104 + 32 * filter.blockCount)
        let (loaded, tag) = try SplitBlockBloomFilter.load(snapshot: bytes)
        #expect(loaded == filter)
        #expect(tag == Self.tag)
        #expect(loaded.seed == filter.seed)
        #expect(loaded.insertedCount == 5_000)
        let keys = SplitBlockBloomFilterTests.randomDigests(count: 5_000, stream: 20)
        #expect(keys.allSatisfy { loaded.mayContain($0) })
        // A collection without contiguous storage loads the same.
        let (fromLazy, _) = try SplitBlockBloomFilter.load(snapshot: bytes.lazy.map { $0 })
        #expect(fromLazy == filter)
        // A loaded filter keeps working as a value.
        var grown = loaded
        grown.insert(.zero)
        #expect(grown.mayContain(.zero))
        #expect(grown.insertedCount == 5_001)
    }

    @Test("header layout: magic, version, seed, block count, inserted count, tag, checksum, words little-endian")
    func headerLayout() throws {
        var filter = SplitBlockBloomFilter(blockCount: 2, seed: 0x1122_3344_5566_7788)
        filter.insert(hash: 0xFFFF_FFFF_0000_0001)
        let bytes = filter.snapshot(stateTag: Self.tag)
        #expect(Array(bytes[0..<8]) == Array("HMSBBF\r\n".utf8))
        #expect(Array(bytes[8..<16]) == [1, 0, 0, 0, 0, 0, 0, 0])
        #expect(Array(bytes[16..<24]) == [0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11])
        #expect(Array(bytes[24..<32]) == [2, 0, 0, 0, 0, 0, 0, 0])
        #expect(Array(bytes[32..<40]) == [1, 0, 0, 0, 0, 0, 0, 0])
        #expect(Array(bytes[40..<72]) == Self.tag.bytes)
        var hasher = SHA256()
        hasher.update(data: bytes[0..<72])
        hasher.update(data: bytes[104...])
        #expect(Array(bytes[72..<104]) == Array(hasher.finalize()))
        // Key 1 sets bit (salt >> 27) in each word of block 1: word 0 of block 1 is bit 0x47B6137B >> 27 = 8.
        #expect(Array(bytes[104..<136]) == [UInt8](repeating: 0, count: 32))
        #expect(Array(bytes[136..<140]) == [0x00, 0x01, 0x00, 0x00])
    }

    /// One way to damage a snapshot, with the words its error must contain.
    enum Corruption: String, CaseIterable, CustomTestStringConvertible {
        case empty, shortHeader, badMagic, futureVersion, reservedSet, zeroBlocks, hugeBlockCount
        case truncatedWords, trailingBytes, flippedWordBit, flippedTag, flippedSeed, hugeInsertedCount

        var testDescription: String { rawValue }

        func apply(to bytes: inout [UInt8]) {
            switch self {
            case .empty: bytes = []
            case .shortHeader: bytes = Array(bytes[0..<50])
            case .badMagic: bytes[0] = UInt8(ascii: "X")
            case .futureVersion: bytes[8] = 2
            case .reservedSet: bytes[13] = 1
            case .zeroBlocks: bytes.replaceSubrange(24..<32, with: [UInt8](repeating: 0, count: 8))
            case .hugeBlockCount: bytes.replaceSubrange(24..<32, with: [UInt8](repeating: 0xFF, count: 8))
            case .truncatedWords: bytes.removeLast(32)
            case .trailingBytes: bytes.append(0)
            case .flippedWordBit: bytes[bytes.count - 5] ^= 0x10
            case .flippedTag: bytes[50] ^= 0x01
            case .flippedSeed: bytes[16] ^= 0x80
            case .hugeInsertedCount: bytes.replaceSubrange(32..<40, with: [UInt8](repeating: 0xFF, count: 8))
            }
        }

        var expectedMessage: String {
            switch self {
            case .empty, .shortHeader, .truncatedWords: "truncated"
            case .badMagic: "bad magic"
            case .futureVersion: "unknown format version 2"
            case .reservedSet: "reserved field"
            case .zeroBlocks, .hugeBlockCount: "block count"
            case .trailingBytes: "unexpected bytes"
            case .flippedWordBit, .flippedTag, .flippedSeed: "checksum mismatch"
            case .hugeInsertedCount: "inserted count"
            }
        }
    }

    @Test("every corruption is rejected as malformed, naming what is wrong", arguments: Corruption.allCases)
    func corruptionRejected(_ corruption: Corruption) {
        var bytes = Self.sampleFilter().snapshot(stateTag: Self.tag)
        corruption.apply(to: &bytes)
        #expect {
            _ = try SplitBlockBloomFilter.load(snapshot: bytes)
        } throws: { error in
            guard let error = error as? HallmarkError else { return false }
            return error.code == .malformed && error.message.contains(corruption.expectedMessage)
        }
    }
}
