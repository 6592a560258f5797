import Crypto

/// A member's cosignature of another origin's ``Checkpoint``: the witness statement "I, ``cosigner``, at ``time``,
/// verified this checkpoint's signature and that it is consistent with every checkpoint of that origin I hold".
///
/// The format follows C2SP tlog-cosignature (`cosignature/v1`): the cosigner signs ``header``, a line with the
/// time in seconds, then the checkpoint's ``Checkpoint/signedBody``; but with the cosigner's alliance-certified
/// P-256 key (ECDSA with SHA-256, DER), since members are identified by their X.509 certificates. A cosignature does
/// not carry the checkpoint: it is checked against one (``verify(_:using:)``). `Protocol/log-format.md` §5 fixes
/// the bytes.
public struct Cosignature: Hashable, Sendable, CustomStringConvertible {
    /// The member who cosigned.
    public let cosigner: MemberID
    /// When it cosigned, in whole seconds (the signed text holds seconds).
    public let time: Timestamp
    /// The DER-encoded ECDSA P-256 / SHA-256 signature over ``signedMessage(for:)``.
    public let signature: [UInt8]

    /// The first line of the signed message, naming the statement and its version.
    public static let header = "cosignature/v1"

    /// A cosignature from its parts, as received or read from storage; the signature is not verified.
    /// - Parameters:
    ///   - cosigner: The cosigning member.
    ///   - time: When it cosigned: whole seconds within ``Timestamp/protocolRange``.
    ///   - signature: A DER-encoded ECDSA P-256 signature over ``signedMessage(for:)``.
    /// - Throws: ``HallmarkError`` `invalid-value` when the time is out of range or not whole seconds, or the
    ///   signature is not canonical DER ECDSA.
    public init(cosigner: MemberID, time: Timestamp, signature: [UInt8]) throws {
        guard time.isInProtocolRange, time.millisecondsSince1970 % 1000 == 0 else {
            throw HallmarkError(
                .invalidValue,
                "cosignature time \(time.millisecondsSince1970) ms is not a whole second from 1970 through 9999",
                location: "time"
            )
        }
        guard Checkpoint.isCanonicalSignature(signature) else {
            throw HallmarkError(
                .invalidValue,
                "cosignature of \(cosigner) is not a DER-encoded ECDSA P-256 signature (\(signature.count) bytes)",
                location: "signature"
            )
        }
        self.cosigner = cosigner
        self.time = time
        self.signature = signature
    }

    /// ``time`` in seconds since 1970, as the signed message writes it.
    public var seconds: Int64 { time.millisecondsSince1970 / 1000 }

    /// The exact bytes that are signed: `cosignature/v1`, `time <seconds>`, each ending in a line feed, then the
    /// checkpoint's signed body.
    ///
    /// ```
    /// cosignature/v1
    /// time <seconds since 1970 in decimal>
    /// hallmark/v1 checkpoint
    /// origin <member id>
    /// …
    /// ```
    /// - Parameter checkpoint: The checkpoint cosigned.
    public func signedMessage(for checkpoint: Checkpoint) -> [UInt8] {
        Self.message(seconds: seconds, checkpoint: checkpoint)
    }

    static func message(seconds: Int64, checkpoint: Checkpoint) -> [UInt8] {
        Array("\(header)\ntime \(seconds)\n".utf8) + checkpoint.signedBody
    }

    /// Cosigns a checkpoint the caller has verified, and found consistent with every checkpoint of its origin held.
    /// - Parameters:
    ///   - checkpoint: The checkpoint to cosign.
    ///   - cosigner: The cosigning member, whose key `key` is.
    ///   - time: When; truncated to whole seconds.
    ///   - key: The cosigner's member key.
    /// - Throws: ``HallmarkError`` `invalid-value` when the time is out of range, or the signing error.
    public static func sign(
        _ checkpoint: Checkpoint,
        cosigner: MemberID,
        time: Timestamp,
        using key: P256.Signing.PrivateKey
    ) throws -> Cosignature {
        let seconds = time.millisecondsSince1970 / 1000
        let signature = try key.signature(for: message(seconds: seconds, checkpoint: checkpoint))
        return try Cosignature(
            cosigner: cosigner,
            time: Timestamp(millisecondsSince1970: seconds * 1000),
            signature: Array(signature.derRepresentation)
        )
    }

    /// Checks that this cosignature is over `checkpoint`, signed with the cosigner's public key.
    /// - Parameters:
    ///   - checkpoint: The checkpoint it claims to cosign.
    ///   - publicKey: The public key of the cosigner's certified member key.
    /// - Throws: ``HallmarkError`` `bad-signature` when the signature does not verify.
    public func verify(_ checkpoint: Checkpoint, using publicKey: P256.Signing.PublicKey) throws {
        guard let parsed = try? P256.Signing.ECDSASignature(derRepresentation: signature),
            publicKey.isValidSignature(parsed, for: signedMessage(for: checkpoint))
        else {
            throw HallmarkError(
                .badSignature,
                "the cosignature of \(cosigner) at \(time) does not verify over \(checkpoint) with its key",
                location: "signature"
            )
        }
    }

    /// `cosigner at time`, one line.
    public var description: String {
        "\(cosigner) at \(time)"
    }
}
