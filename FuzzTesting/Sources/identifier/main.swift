import FuzzSupport
import HallmarkCore

/// A raw identifier as people and other systems write it, of each known kind (seller, sku, url, image-pdq):
/// `Identifier(kind:value:)` with the input as text (invalid UTF-8 repaired, as a decoded JSON string would be) and
/// `Identifier(kind:utf8:)` with the bytes. A value that normalizes must normalize to itself again: clients send the
/// normalized form back (a dispute names it), and both must digest alike.
@_cdecl("LLVMFuzzerTestOneInput")
public func test(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = fuzzBytes(start, count)
    let text = String(decoding: bytes, as: UTF8.self)
    for kind in IndicatorKind.known {
        refusesCleanly("Identifier(kind: \(kind.name), value:)") {
            let identifier = try Identifier(kind: kind, value: text)
            let again = try Identifier(kind: kind, value: identifier.normalized)
            guard again.normalized == identifier.normalized else {
                fatalError(
                    "\(kind.name) normalization is not idempotent: \(Array(text.utf8)) -> "
                        + "\(Array(identifier.normalized.utf8)) -> \(Array(again.normalized.utf8))"
                )
            }
        }
        refusesCleanly("Identifier(kind: \(kind.name), utf8:)") {
            _ = try Identifier(kind: kind, utf8: bytes)
        }
    }
    return 0
}
