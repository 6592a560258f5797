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
///
/// Most of a digest's cost is swift-crypto's per-call work (a context allocation per copied state,
/// exclusivity checks, zeroing), not the two compressions, which BoringSSL runs on the CPU's SHA
/// instructions. A SHA-256 compression written in Swift was measured too, at about 280 ns per block against
/// about 60 ns there: twice that costs more than the whole swift-crypto digest (about 400 ns), so it was
/// not adopted.
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
        if identifier.kind == .imagePDQ {
            // Normalization guarantees 64 lower-case hex digits.
            return try! Hash256(hex: identifier.normalized)
        }
        let inner = innerState(for: identifier.kind)
        if let digest = identifier.normalized.utf8.withContiguousStorageIfAvailable({
            authenticationCode(inner, UnsafeRawBufferPointer($0))
        }) {
            return digest
        }
        return Array(identifier.normalized.utf8).withUnsafeBytes { authenticationCode(inner, $0) }
    }

    /// The digest of a value that is already in normalized form, given as its UTF-8 bytes.
    ///
    /// For values kept in normalized form (as ``Identifier/normalized``), this skips normalization and
    /// the `String` it builds. The bytes are digested as they are: they must be a normalized form.
    /// - Parameters:
    ///   - kind: The kind of the identifier.
    ///   - normalizedUTF8: The normalized form's UTF-8 bytes.
    /// - Returns: The keyed HMAC-SHA256, or for `image-pdq` the hash itself.
    /// - Throws: ``HallmarkError`` `invalid-value` when the kind is `image-pdq` and the bytes are not 64
    ///   hexadecimal digits.
    public func digest(kind: IndicatorKind, normalizedUTF8: UnsafeRawBufferPointer) throws -> Hash256 {
        if kind == .imagePDQ {
            return try Hash256(hex: String(decoding: normalizedUTF8, as: UTF8.self))
        }
        return authenticationCode(innerState(for: kind), normalizedUTF8)
    }

    /// Normalizes a raw value and digests it.
    ///
    /// The same as `digest(of: Identifier(kind: kind, value: value))`, but an all-ASCII `seller` or `sku`
    /// value is normalized into a buffer on the stack and digested from there, without building a `String`.
    /// - Parameters:
    ///   - kind: One of ``IndicatorKind/known``.
    ///   - value: The raw value.
    /// - Throws: What ``Identifier/init(kind:value:)`` throws.
    public func digest(kind: IndicatorKind, value: String) throws -> Hash256 {
        let isSeller = kind == .seller
        if isSeller || kind == .sku {
            var value = value
            let digest = try value.withUTF8 { bytes -> Hash256? in
                guard bytes.count <= Identifier.maximumValueBytes, IndicatorText.isASCII(bytes) else { return nil }
                return try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(bytes.count, 1)) { buffer in
                    let count =
                        isSeller
                        ? try SellerNormalization.normalizeASCII(bytes, into: buffer)
                        : try SKUNormalization.normalizeASCII(bytes, into: buffer)
                    let normalized = UnsafeRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(buffer)[..<count])
                    return authenticationCode(isSeller ? sellerInner : skuInner, normalized)
                }
            }
            if let digest { return digest }
        }
        return digest(of: try Identifier(kind: kind, value: value))
    }

    /// The prepared inner state of a keyed kind.
    @inline(__always)
    private func innerState(for kind: IndicatorKind) -> SHA256 {
        switch kind {
        case .seller: return sellerInner
        case .sku: return skuInner
        case .url: return urlInner
        // Identifier only holds known kinds; kept total for kinds added later.
        default: return Self.prepared(keyInner, kind: kind)
        }
    }

    /// HMAC-SHA256 of the kind's prefix (already absorbed by `inner`) followed by `normalized`.
    @inline(__always)
    private func authenticationCode(_ inner: SHA256, _ normalized: UnsafeRawBufferPointer) -> Hash256 {
        var inner = inner
        inner.update(bufferPointer: normalized)
        var outer = self.outer
        inner.finalize().withUnsafeBytes { outer.update(bufferPointer: $0) }
        return outer.finalize().withUnsafeBytes { code in
            Hash256(
                w0: UInt64(bigEndian: code.loadUnaligned(fromByteOffset: 0, as: UInt64.self)),
                w1: UInt64(bigEndian: code.loadUnaligned(fromByteOffset: 8, as: UInt64.self)),
                w2: UInt64(bigEndian: code.loadUnaligned(fromByteOffset: 16, as: UInt64.self)),
                w3: UInt64(bigEndian: code.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
            )
        }
    }
}
