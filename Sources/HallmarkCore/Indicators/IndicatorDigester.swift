import Crypto
import Foundation

/// Computes the digest that stands for an identifier on the wire, in logs and in the filter.
///
/// For keyed kinds the digest is `HMAC-SHA256(alliance secret, "hallmark/v1/" + kind + "/" + normalized)`;
/// for `image-pdq` it is the PDQ hash's own 32 bytes, unkeyed, so that hashes stay comparable by
/// Hamming distance.
///
/// HMAC (RFC 2104) is computed on two SHA-256 states prepared once: the inner one has absorbed
/// `key ⊕ ipad` and the kind's prefix, the outer one `key ⊕ opad`. Each digest copies them, so it costs
/// two short SHA-256 finalizations; this is measurably faster than copying a prepared `HMAC<SHA256>`,
/// whose generic `update(data:)` path dominates on the hot path.
public struct IndicatorDigester: Sendable {
    /// The id of the alliance key, recorded beside each keyed digest.
    public let keyID: String

    private let sellerInner: SHA256
    private let skuInner: SHA256
    private let urlInner: SHA256
    private let keyInner: SHA256
    private let outer: SHA256

    /// Prepares a digester for one alliance key.
    /// - Parameter key: The alliance key that keys every digest.
    public init(key: AllianceKey) {
        keyID = key.id
        // The secret is 32 bytes, shorter than SHA-256's 64-byte block: HMAC pads it with zeros.
        var innerPad = [UInt8](repeating: 0x36, count: 64)
        var outerPad = [UInt8](repeating: 0x5C, count: 64)
        key.secret.withUnsafeBytes { secret in
            for (index, byte) in secret.enumerated() {
                innerPad[index] ^= byte
                outerPad[index] ^= byte
            }
        }
        var inner = SHA256()
        inner.update(data: innerPad)
        var outer = SHA256()
        outer.update(data: outerPad)
        keyInner = inner
        self.outer = outer
        sellerInner = Self.prepared(inner, kind: .seller)
        skuInner = Self.prepared(inner, kind: .sku)
        urlInner = Self.prepared(inner, kind: .url)
    }

    private static func prepared(_ keyInner: SHA256, kind: IndicatorKind) -> SHA256 {
        var state = keyInner
        state.update(data: Array(("hallmark/v1/" + kind.name + "/").utf8))
        return state
    }

    /// The key id that goes with digests of `kind`: ``keyID``, or `nil` for kinds shared unkeyed (`image-pdq`).
    /// - Parameter kind: The kind of the digested identifier.
    public func keyID(for kind: IndicatorKind) -> String? {
        kind.isSharedUnkeyed ? nil : keyID
    }

    /// The digest of a normalized identifier.
    /// - Parameter identifier: The identifier, normalized by ``Identifier/init(kind:value:)``.
    /// - Returns: The keyed HMAC-SHA256, or for `image-pdq` the hash itself.
    public func digest(of identifier: Identifier) -> Hash256 {
        var inner: SHA256
        switch identifier.kind {
        case .seller: inner = sellerInner
        case .sku: inner = skuInner
        case .url: inner = urlInner
        case .imagePDQ:
            // Normalization guarantees 64 lower-case hex digits.
            return try! Hash256(hex: identifier.normalized)
        default:
            // Identifier only holds known kinds; kept total for kinds added later.
            inner = Self.prepared(keyInner, kind: identifier.kind)
        }
        var normalized = identifier.normalized
        normalized.withUTF8 { inner.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        var outer = self.outer
        inner.finalize().withUnsafeBytes { outer.update(bufferPointer: $0) }
        return Hash256(outer.finalize())
    }

    /// Normalizes a raw value and digests it.
    /// - Parameters:
    ///   - kind: One of ``IndicatorKind/known``.
    ///   - value: The raw value.
    /// - Throws: What ``Identifier/init(kind:value:)`` throws.
    public func digest(kind: IndicatorKind, value: String) throws -> Hash256 {
        digest(of: try Identifier(kind: kind, value: value))
    }
}
