import Crypto
import FuzzSupport
import HallmarkCore

/// Where the snapshot's checksum sits and what it covers (Protocol/filter-snapshot.md).
let checksumRange = 72..<104

/// A Bloom filter snapshot as the store loads it from disk on start (`SplitBlockBloomFilter.load(snapshot:)`): the
/// bytes as given, then with a correct checksum patched in, so that the fuzzer also reaches what is read after the
/// checksum is checked. A snapshot that loads must save as the same bytes and answer lookups.
@_cdecl("LLVMFuzzerTestOneInput")
public func test(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = fuzzBytes(start, count)
    load(bytes)
    if count >= checksumRange.upperBound {
        var patched = Array(bytes)
        var hasher = SHA256()
        hasher.update(data: patched[..<checksumRange.lowerBound])
        hasher.update(data: patched[checksumRange.upperBound...])
        patched.replaceSubrange(checksumRange, with: Array(hasher.finalize()))
        patched.withUnsafeBufferPointer { load($0) }
    }
    return 0
}

func load(_ bytes: UnsafeBufferPointer<UInt8>) {
    refusesCleanly("SplitBlockBloomFilter.load(snapshot:)") {
        let (filter, tag) = try SplitBlockBloomFilter.load(snapshot: bytes)
        guard filter.snapshot(stateTag: tag).elementsEqual(bytes) else {
            fatalError("a filter snapshot that loads saves as other bytes")
        }
        _ = filter.mayContain(Hash256(SHA256.hash(data: Array(bytes.prefix(16)))))
    }
}
