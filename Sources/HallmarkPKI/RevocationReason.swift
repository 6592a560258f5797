import HallmarkCore

/// Why a member certificate was revoked: an RFC 5280 `CRLReason` code (section 5.3.1).
///
/// A struct rather than an enum so that a list made by another tool, with a reason Hallmark does not offer, still
/// reads. ``supported`` are the reasons `hallmark certs revoke` offers.
public struct RevocationReason: Hashable, Sendable, CustomStringConvertible {
    /// The RFC 5280 `CRLReason` value.
    public let code: Int

    /// No reason given. Encoded by leaving the reason code out, as RFC 5280 recommends.
    public static let unspecified = RevocationReason(uncheckedCode: 0)
    /// The member's private key was, or may have been, disclosed: revoke as of the earliest time it may have been.
    public static let keyCompromise = RevocationReason(uncheckedCode: 1)
    /// The alliance CA's key was compromised (never offered: a new alliance is needed then).
    public static let caCompromise = RevocationReason(uncheckedCode: 2)
    /// The member's name or affiliation changed, for example after a merger.
    public static let affiliationChanged = RevocationReason(uncheckedCode: 3)
    /// The certificate was replaced by a new one (new key, new hosts).
    public static let superseded = RevocationReason(uncheckedCode: 4)
    /// The member left the alliance or stopped running its node.
    public static let cessationOfOperation = RevocationReason(uncheckedCode: 5)
    /// The certificate is on hold (never offered: Hallmark revocations are final).
    public static let certificateHold = RevocationReason(uncheckedCode: 6)
    /// The member's right to take part was withdrawn, for example after it broke the alliance's rules.
    public static let privilegeWithdrawn = RevocationReason(uncheckedCode: 9)
    /// An attribute authority was compromised (never offered).
    public static let aaCompromise = RevocationReason(uncheckedCode: 10)

    /// The reasons `hallmark certs revoke` offers.
    public static let supported: [RevocationReason] = [
        .unspecified, .keyCompromise, .affiliationChanged, .superseded, .cessationOfOperation, .privilegeWithdrawn,
    ]

    private static let all: [RevocationReason] = supported + [.caCompromise, .certificateHold, .aaCompromise]

    private init(uncheckedCode: Int) {
        self.code = uncheckedCode
    }

    /// A reason from its RFC 5280 code, as read from a revocation list.
    /// - Parameter code: 0–6, 9 or 10. 7 is unassigned and 8 (`removeFromCRL`) belongs to delta lists only.
    /// - Throws: ``HallmarkError`` `malformed` for any other code.
    public init(code: Int) throws {
        guard let reason = Self.all.first(where: { $0.code == code }) else {
            throw HallmarkError(.malformed, "revocation reason code \(code) is not one RFC 5280 allows in a full list")
        }
        self = reason
    }

    /// One of the ``supported`` reasons by its RFC 5280 name, ignoring case (`keyCompromise`, `keycompromise`).
    /// - Throws: ``HallmarkError`` `invalid-value` naming the supported reasons.
    public init(name: String) throws {
        let wanted = name.trimmingASCIIWhitespace().lowercased()
        guard let reason = Self.supported.first(where: { $0.name.lowercased() == wanted }) else {
            throw HallmarkError(
                .invalidValue,
                "unknown revocation reason '\(name)'; use one of: "
                    + Self.supported.map(\.name).joined(separator: ", ")
            )
        }
        self = reason
    }

    /// The RFC 5280 name, such as `keyCompromise`.
    public var name: String {
        switch code {
        case 0: "unspecified"
        case 1: "keyCompromise"
        case 2: "cACompromise"
        case 3: "affiliationChanged"
        case 4: "superseded"
        case 5: "cessationOfOperation"
        case 6: "certificateHold"
        case 9: "privilegeWithdrawn"
        case 10: "aACompromise"
        default: "reason \(code)"
        }
    }

    /// The RFC 5280 name.
    public var description: String { name }
}
