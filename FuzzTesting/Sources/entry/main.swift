import FuzzSupport
import HallmarkCore

/// `Entry(decoding:)` as a peer's log chunk reaches it; an entry that decodes must encode to the same bytes (the
/// decoder accepts only canonical encodings, and the leaf hash is taken over them).
@_cdecl("LLVMFuzzerTestOneInput")
public func test(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = fuzzBytes(start, count)
    refusesCleanly("Entry(decoding:)") {
        let entry = try Entry(decoding: bytes)
        guard entry.encoded().elementsEqual(bytes) else {
            fatalError("entry round trip: \(Array(bytes)) decoded to \(entry), which encodes as \(entry.encoded())")
        }
        // The other decoder path: a collection without contiguous storage.
        guard try Entry(decoding: bytes.lazy.map { $0 }) == entry else {
            fatalError("entry decodes differently from a non-contiguous collection")
        }
        _ = entry.leafHash
        _ = entry.description
    }
    return 0
}
