import Crypto
import Foundation

extension SplitBlockBloomFilter {
    /// The snapshot's first eight bytes: `HMSBBF` then CR LF, which a text-mode copy would mangle.
    static let snapshotMagic: [UInt8] = [0x48, 0x4D, 0x53, 0x42, 0x42, 0x46, 0x0D, 0x0A]

    /// The only snapshot format version this code writes and reads.
    static let snapshotVersion: UInt32 = 1

    /// Bytes before the words: magic 8, version 4, reserved 4, seed 8, block count 8,
    /// inserted count 8, state tag 32, checksum 32.
    static let snapshotHeaderSize = 104

    /// Where the checksum sits in the header; it covers every byte before and after it.
    static let snapshotChecksumOffset = 72

    /// The filter as the bytes of a snapshot (see `Protocol/filter-snapshot.md`).
    ///
    /// The store writes these bytes to disk (``writeSnapshot(stateTag:to:)``, without this copy) and, on start, loads
    /// them with ``load(snapshot:)`` instead of rebuilding the filter, when the tag still matches its state.
    /// - Parameter stateTag: A value that identifies the state the filter was built from, such
    ///   as a hash over the store's log heads; returned unchanged by ``load(snapshot:)``.
    /// - Returns: `104 + 32 × blockCount` bytes.
    public func snapshot(stateTag: Hash256) -> [UInt8] {
        var bytes = snapshotHeader(stateTag: stateTag)
        bytes.append(contentsOf: littleEndianWords)
        return bytes
    }

    /// Writes ``snapshot(stateTag:)``'s bytes to `handle`: the header, then the words from the filter's own storage (on
    /// a little-endian machine), so that saving a filter of tens of megabytes takes no second copy of it.
    public func writeSnapshot(stateTag: Hash256, to handle: FileHandle) throws {
        try handle.write(contentsOf: snapshotHeader(stateTag: stateTag))
        #if _endian(big)
            try handle.write(contentsOf: littleEndianWords)
        #else
            try handle.write(contentsOf: UnsafeRawBufferPointer(storage.buffer))
        #endif
    }

    /// The words as a snapshot holds them: little-endian.
    private var littleEndianWords: [UInt8] {
        [UInt8](unsafeUninitializedCapacity: storage.wordCount * 4) { buffer, initialized in
            let words = UnsafeMutableRawBufferPointer(buffer)
            words.copyMemory(from: UnsafeRawBufferPointer(storage.buffer))
            #if _endian(big)
                for i in 0..<storage.wordCount {
                    words.storeBytes(of: storage.words[i].littleEndian, toByteOffset: i * 4, as: UInt32.self)
                }
            #endif
            initialized = buffer.count
        }
    }

    /// The snapshot's header, its checksum over the header and the words included.
    private func snapshotHeader(stateTag: Hash256) -> [UInt8] {
        var header = [UInt8](repeating: 0, count: Self.snapshotHeaderSize)
        header.withUnsafeMutableBytes { raw in
            raw.copyBytes(from: Self.snapshotMagic)
            raw.storeBytes(of: Self.snapshotVersion.littleEndian, toByteOffset: 8, as: UInt32.self)
            raw.storeBytes(of: seed.littleEndian, toByteOffset: 16, as: UInt64.self)
            raw.storeBytes(of: blocks.littleEndian, toByteOffset: 24, as: UInt64.self)
            raw.storeBytes(of: UInt64(insertedCount).littleEndian, toByteOffset: 32, as: UInt64.self)
            for (i, byte) in stateTag.bytes.enumerated() { raw[40 + i] = byte }
        }
        #if _endian(big)
            let checksum = header.withUnsafeBytes { header in
                littleEndianWords.withUnsafeBytes { Self.snapshotChecksum(header: header, words: $0) }
            }
        #else
            let checksum = header.withUnsafeBytes { header in
                Self.snapshotChecksum(header: header, words: UnsafeRawBufferPointer(storage.buffer))
            }
        #endif
        for (i, byte) in checksum.enumerated() { header[Self.snapshotChecksumOffset + i] = byte }
        return header
    }

    /// Reads a snapshot made by ``snapshot(stateTag:)``, checking every field and the checksum.
    /// - Parameter snapshot: The snapshot's bytes, exactly as written.
    /// - Returns: The filter and the state tag it was saved with.
    /// - Throws: ``HallmarkError`` with code `malformed` naming the problem: a truncated or
    ///   over-long snapshot, a wrong magic, an unknown version, a non-zero reserved field, an
    ///   impossible block or insert count, or a checksum that does not match.
    public static func load(
        snapshot: some Collection<UInt8>
    ) throws -> (filter: SplitBlockBloomFilter, stateTag: Hash256) {
        if let result = try snapshot.withContiguousStorageIfAvailable({ bytes in
            try load(UnsafeRawBufferPointer(bytes))
        }) {
            return result
        }
        return try Array(snapshot).withUnsafeBytes { try load($0) }
    }

    /// Decodes a snapshot held in contiguous memory.
    private static func load(_ bytes: UnsafeRawBufferPointer) throws -> (
        filter: SplitBlockBloomFilter, stateTag: Hash256
    ) {
        func malformed(_ message: String) -> HallmarkError {
            HallmarkError(.malformed, message, location: "filter snapshot")
        }
        guard bytes.count >= snapshotHeaderSize else {
            throw malformed("truncated: \(bytes.count) bytes, shorter than the \(snapshotHeaderSize)-byte header")
        }
        guard bytes.prefix(8).elementsEqual(snapshotMagic) else {
            throw malformed("bad magic: not a Hallmark filter snapshot")
        }
        let version = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
        guard version == snapshotVersion else {
            throw malformed("unknown format version \(version); this node reads version \(snapshotVersion)")
        }
        let reserved = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 12, as: UInt32.self))
        guard reserved == 0 else {
            throw malformed("reserved field is \(reserved), must be 0")
        }
        let seed = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
        let blockCount = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
        let insertedCount = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 32, as: UInt64.self))
        guard blockCount >= 1, blockCount <= UInt64(maximumBlockCount) else {
            throw malformed("block count \(blockCount) is out of range 1...\(maximumBlockCount)")
        }
        guard insertedCount <= UInt64(Int.max) else {
            throw malformed("inserted count \(insertedCount) is out of range")
        }
        let expected = snapshotHeaderSize + Int(blockCount) * 32
        guard bytes.count >= expected else {
            throw malformed("truncated: \(bytes.count) bytes, \(blockCount) blocks need \(expected)")
        }
        guard bytes.count == expected else {
            throw malformed("\(bytes.count - expected) unexpected bytes after the \(blockCount) blocks")
        }
        let stored = bytes[snapshotChecksumOffset..<snapshotChecksumOffset + 32]
        let checksum = snapshotChecksum(
            header: UnsafeRawBufferPointer(rebasing: bytes[..<snapshotHeaderSize]),
            words: UnsafeRawBufferPointer(rebasing: bytes[snapshotHeaderSize...])
        )
        guard checksum.elementsEqual(stored) else {
            throw malformed("checksum mismatch: the snapshot is damaged")
        }
        let stateTag = try Hash256(bytes: bytes[40..<72])
        let storage = Storage(wordCount: Int(blockCount) * 8)
        let words = UnsafeRawBufferPointer(rebasing: bytes[snapshotHeaderSize...])
        UnsafeMutableRawBufferPointer(storage.buffer).copyMemory(from: words)
        #if _endian(big)
            for i in 0..<storage.wordCount { storage.words[i] = UInt32(littleEndian: storage.words[i]) }
        #endif
        let filter = SplitBlockBloomFilter(storage: storage, seed: seed, insertedCount: Int(insertedCount))
        return (filter, stateTag)
    }

    /// SHA-256 over the snapshot with its checksum field left out: the header (``snapshotHeaderSize`` bytes) without
    /// it, then the words, given apart so that a writer need not copy them next to the header.
    private static func snapshotChecksum(
        header: UnsafeRawBufferPointer,
        words: UnsafeRawBufferPointer
    ) -> SHA256.Digest {
        var hasher = SHA256()
        hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: header[..<snapshotChecksumOffset]))
        hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: header[(snapshotChecksumOffset + 32)...]))
        hasher.update(bufferPointer: words)
        return hasher.finalize()
    }
}
