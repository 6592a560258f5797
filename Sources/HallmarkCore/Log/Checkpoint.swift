import Crypto

/// An origin's signed statement of its log's state: tree size, root hash and time, signed with the member key
/// that the alliance CA certified (ECDSA P-256 with SHA-256).
///
/// One signature covers every entry up to ``treeSize``. The signed bytes are ``signedBody``, a short text
/// documented in `Protocol/log-format.md` so that any language can rebuild and check it.
public struct Checkpoint: Hashable, Sendable, CustomStringConvertible {
    /// The member whose log this is, and who signed.
    public let origin: MemberID
    /// The number of entries the checkpoint covers.
    public let treeSize: UInt64
    /// The root hash of the origin's tree at ``treeSize``.
    public let rootHash: Hash256
    /// When the origin signed.
    public let time: Timestamp
    /// The DER-encoded ECDSA P-256 / SHA-256 signature over ``signedBody``.
    public let signature: [UInt8]

    /// The first line of ``signedBody``, naming the format and its version.
    public static let bodyHeader = "hallmark/v1 checkpoint"
    /// The format version written as an encoded checkpoint's first byte.
    public static let formatVersion: UInt8 = 1
    /// The most bytes of a DER ECDSA P-256 signature.
    public static let maxSignatureBytes = 72
    /// The most bytes of ``signedBody`` (a version 1 body is at most 211 bytes).
    public static let maxBodyBytes = 512
    /// The most bytes a decoder reads as one checkpoint.
    public static let maxEncodedSize = 1 + 2 + maxBodyBytes + 1 + maxSignatureBytes
    /// The largest tree size a log may reach: 2^63 − 1, so that every size and index fits a signed 64-bit
    /// integer (SQLite's, Java's, a Python client's). No honest log comes near it; a larger one is malformed.
    public static let maximumTreeSize = UInt64(Int64.max)

    /// A checkpoint from its parts, as read from storage; the signature is not verified.
    /// - Parameters:
    ///   - origin: The signing member.
    ///   - treeSize: The number of entries covered.
    ///   - rootHash: The tree's root at that size.
    ///   - time: When it was signed, within ``Timestamp/protocolRange``.
    ///   - signature: A DER-encoded ECDSA P-256 signature over ``signedBody``.
    /// - Throws: ``HallmarkError`` `invalid-value` when the size is over ``maximumTreeSize``, the time is out of range
    ///   or the signature is not DER ECDSA.
    public init(origin: MemberID, treeSize: UInt64, rootHash: Hash256, time: Timestamp, signature: [UInt8]) throws {
        guard treeSize <= Self.maximumTreeSize else {
            throw HallmarkError(
                .invalidValue,
                "tree size \(treeSize) is over the largest a log may reach (\(Self.maximumTreeSize))",
                location: "size"
            )
        }
        guard time.isInProtocolRange else {
            throw HallmarkError(
                .invalidValue,
                "time \(time.millisecondsSince1970) ms is outside 1970-01-01 through 9999-12-31",
                location: "time"
            )
        }
        guard Self.isCanonicalSignature(signature) else {
            throw HallmarkError(
                .invalidValue,
                "signature is not a DER-encoded ECDSA P-256 signature (\(signature.count) bytes)",
                location: "signature"
            )
        }
        self.origin = origin
        self.treeSize = treeSize
        self.rootHash = rootHash
        self.time = time
        self.signature = signature
    }

    /// The exact bytes that are signed: UTF-8 text of five lines, each ending in a line feed.
    ///
    /// ```
    /// hallmark/v1 checkpoint
    /// origin <member id>
    /// size <tree size in decimal>
    /// root <root hash in 64 lower-case hex digits>
    /// time <milliseconds since 1970 in decimal>
    /// ```
    public var signedBody: [UInt8] {
        Self.body(origin: origin, treeSize: treeSize, rootHash: rootHash, time: time)
    }

    /// Whether `signature` is a canonical DER ECDSA P-256 signature of at most ``maxSignatureBytes`` (checkpoints and
    /// cosignatures alike).
    static func isCanonicalSignature(_ signature: [UInt8]) -> Bool {
        guard signature.count <= maxSignatureBytes,
            let parsed = try? P256.Signing.ECDSASignature(derRepresentation: signature)
        else { return false }
        return Array(parsed.derRepresentation) == signature
    }

    /// SHA-256 of ``signedBody``: names the statement whatever its signature's bytes (ECDSA signatures are
    /// randomized), as cosignatures do (``Cosignature``).
    public var bodyHash: Hash256 { Hash256(SHA256.hash(data: signedBody)) }

    static func body(origin: MemberID, treeSize: UInt64, rootHash: Hash256, time: Timestamp) -> [UInt8] {
        Array(
            "\(bodyHeader)\norigin \(origin.rawValue)\nsize \(treeSize)\nroot \(rootHash.hex)\ntime \(time.millisecondsSince1970)\n"
                .utf8
        )
    }

    /// Signs a checkpoint of an origin's log.
    /// - Parameters:
    ///   - origin: The member whose log it is.
    ///   - treeSize: The number of entries covered.
    ///   - rootHash: The tree's root at that size.
    ///   - time: The signing time, within ``Timestamp/protocolRange``.
    ///   - key: The origin's member key.
    /// - Throws: ``HallmarkError`` `invalid-value` when the time is out of range, or the signing error.
    public static func sign(
        origin: MemberID,
        treeSize: UInt64,
        rootHash: Hash256,
        time: Timestamp,
        using key: P256.Signing.PrivateKey
    ) throws -> Checkpoint {
        let body = body(origin: origin, treeSize: treeSize, rootHash: rootHash, time: time)
        let signature = try key.signature(for: body)
        return try Checkpoint(
            origin: origin,
            treeSize: treeSize,
            rootHash: rootHash,
            time: time,
            signature: Array(signature.derRepresentation)
        )
    }

    /// Checks the signature with the origin's public key.
    /// - Parameter publicKey: The public key of the origin's certified member key.
    /// - Throws: ``HallmarkError`` `bad-signature` when the signature does not verify.
    public func verifySignature(using publicKey: P256.Signing.PublicKey) throws {
        guard let parsed = try? P256.Signing.ECDSASignature(derRepresentation: signature),
            publicKey.isValidSignature(parsed, for: signedBody)
        else {
            throw HallmarkError(
                .badSignature,
                "checkpoint of \(origin) at size \(treeSize) is not signed by the given key",
                location: "signature"
            )
        }
    }

    /// `origin@size root time`, one line.
    public var description: String {
        "\(origin)@\(treeSize) \(rootHash.hex) \(time)"
    }
}
