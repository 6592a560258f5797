import Crypto
import FuzzSupport
import HallmarkCore

/// The key of checkpoints.json, so that a well-formed checkpoint also goes through signature parsing.
let testKey = try! P256.Signing.PublicKey(
    x963Representation: TestVectors.hex(
        "045c2180a705f67d88b60dfcb4902b8aff2f1c70003c242f6dc057f05f641981157ca0211dda37caa9121f8c0b518051570e6564ac032641e90cace63fa14b2af9"
    )
)

/// `Checkpoint(decoding:)` as heads and chunks from peers reach it; a checkpoint that decodes must encode to the same
/// bytes (only canonical bodies and DER signatures are accepted).
@_cdecl("LLVMFuzzerTestOneInput")
public func test(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = fuzzBytes(start, count)
    refusesCleanly("Checkpoint(decoding:)") {
        let checkpoint = try Checkpoint(decoding: bytes)
        guard checkpoint.encoded().elementsEqual(bytes) else {
            fatalError("checkpoint round trip: \(Array(bytes)) decoded to \(checkpoint), encodes as \(checkpoint.encoded())")
        }
        _ = checkpoint.description
        _ = checkpoint.bodyHash
        try checkpoint.verifySignature(using: testKey)
    }
    return 0
}
