/// A cosignature as a peer offers it with a checkpoint (Protocol/PROTOCOL.md §2.1): its fields as received, not yet
/// decoded or verified (``Member/receiveCosignatures(_:of:from:)`` does both).
public struct OfferedCosignature: Sendable, Equatable {
    /// The cosigner's member id, as the peer names it.
    public var cosigner: String
    /// When it cosigned, in seconds since 1970.
    public var seconds: UInt64
    /// The DER ECDSA signature over the cosignature's message (Protocol/log-format.md §5).
    public var signature: [UInt8]
    /// The cosigner's member certificate, DER.
    public var certificateDER: [UInt8]

    /// A cosignature's fields as received.
    /// - Parameters:
    ///   - cosigner: The cosigner's member id.
    ///   - seconds: When it cosigned, in seconds since 1970.
    ///   - signature: The DER signature.
    ///   - certificateDER: The cosigner's certificate.
    public init(cosigner: String, seconds: UInt64, signature: [UInt8], certificateDER: [UInt8]) {
        self.cosigner = cosigner
        self.seconds = seconds
        self.signature = signature
        self.certificateDER = certificateDER
    }
}
