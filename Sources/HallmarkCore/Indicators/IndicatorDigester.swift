import Crypto
import Foundation

/// Computes the digest that stands for an identifier on the wire, in logs and in the filter.
///
/// For keyed kinds the digest is `HMAC-SHA256(alliance secret, "hallmark/v1/" + kind + "/" + normalized)`;
/// for `image-pdq` it is the PDQ hash's own 32 bytes, unkeyed, so that hashes stay comparable by
/// Hamming distance. The HMAC state after the key and the kind's prefix is prepared once, so each
/// digest costs one copy, one update and one finalization.
public struct IndicatorDigester: Sendable {
    /// The id of the alliance key, recorded beside each keyed digest.
    public let keyID: String

    private let sellerState: HMAC<SHA256>
    private let skuState: HMAC<SHA256>
    private let urlState: HMAC<SHA256>
    private let keyState: HMAC<SHA256>

    /// Prepares a digester for one alliance key.
    /// - Parameter key: The alliance key that keys every digest.
    public init(key: AllianceKey) {
        keyID = key.id
        keyState = HMAC<SHA256>(key: key.secret)
        sellerState = Self.prepared(keyState, kind: .seller)
        skuState = Self.prepared(keyState, kind: .sku)
        urlState = Self.prepared(keyState, kind: .url)
    }

    private static func prepared(_ keyState: HMAC<SHA256>, kind: IndicatorKind) -> HMAC<SHA256> {
        var state = keyState
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
        var state: HMAC<SHA256>
        switch identifier.kind {
        case .seller: state = sellerState
        case .sku: state = skuState
        case .url: state = urlState
        case .imagePDQ:
            // Normalization guarantees 64 lower-case hex digits.
            return try! Hash256(hex: identifier.normalized)
        default:
            // Identifier only holds known kinds; kept total for kinds added later.
            state = Self.prepared(keyState, kind: identifier.kind)
        }
        var normalized = identifier.normalized
        normalized.withUTF8 { state.update(data: UnsafeRawBufferPointer($0)) }
        return Hash256(state.finalize())
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
