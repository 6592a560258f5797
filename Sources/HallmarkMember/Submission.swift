import HallmarkCore

/// A member's assertion about one identifier, before it becomes an entry in its log.
public struct Submission: Sendable, Equatable {
    /// The confidence used when none is given.
    public static let defaultConfidence = 90
    /// The reason code used when none is given.
    public static let defaultReason = "counterfeit"

    /// The identifier, normalized.
    public var identifier: Identifier
    /// Confidence, 0–100.
    public var confidence: Int
    /// Reason code (`[a-z0-9._-]`, 1–64 characters).
    public var reason: String
    /// When the assertion lapses, if ever.
    public var expires: Timestamp?
    /// A short note (at most 280 bytes), shared with the alliance.
    public var note: String
    /// For `image-pdq`: the PDQ quality the hash was computed with (0–100), when known; a node refuses hashes below
    /// its floor (``ImageMatching/minimumQuality``). It is checked, not shared.
    public var quality: Int?

    /// Creates a submission; values are validated when it becomes an entry.
    public init(
        identifier: Identifier,
        confidence: Int = Submission.defaultConfidence,
        reason: String = Submission.defaultReason,
        expires: Timestamp? = nil,
        note: String = "",
        quality: Int? = nil
    ) {
        self.identifier = identifier
        self.confidence = confidence
        self.reason = reason
        self.expires = expires
        self.note = note
        self.quality = quality
    }
}

extension Submission {
    /// Checks the fields an entry will carry (confidence, reason, note, expiry) without making one.
    ///
    /// Reuses ``Entry``'s own validation so that the rules live in one place.
    /// - Throws: ``HallmarkError`` `invalid-value` naming the field.
    public func validate() throws {
        guard (0...100).contains(confidence) else {
            throw HallmarkError(
                .invalidValue,
                "confidence must be from 0 to 100, got \(confidence)",
                location: "confidence"
            )
        }
        if let quality {
            guard identifier.kind == .imagePDQ else {
                throw HallmarkError(
                    .invalidValue,
                    "a quality goes with image-pdq hashes only, not \(identifier.kind)",
                    location: "quality"
                )
            }
            guard ImageMatching.qualities.contains(quality) else {
                throw HallmarkError(.invalidValue, "quality must be from 0 to 100, got \(quality)", location: "quality")
            }
        }
        _ = try Entry(
            origin: Self.validationOrigin,
            index: 0,
            time: Timestamp(millisecondsSince1970: 0),
            action: .assert,
            kind: identifier.kind,
            digest: .zero,
            keyID: identifier.kind.isSharedUnkeyed ? "" : "k0000000000000000",
            confidence: UInt8(confidence),
            reason: reason,
            expires: expires,
            note: note
        )
    }

    /// Checks every submission with ``validate()``, as ``Member/submit(_:)`` does before appending any, and that no
    /// `image-pdq` hash gives a quality below `minimumQuality`.
    /// - Throws: ``HallmarkError`` for the first invalid one, located at `submission N` (counting from 1).
    public static func validate(_ submissions: [Submission], minimumQuality: Int = 0) throws {
        for (position, submission) in submissions.enumerated() {
            do {
                try submission.validate()
                if let quality = submission.quality, quality < minimumQuality {
                    throw HallmarkError(
                        .invalidValue,
                        "image-pdq \(submission.identifier.normalized) has quality \(quality), below this node's floor "
                            + "of \(minimumQuality): hashes of flat or tiny images match unrelated ones, so it is not shared",
                        location: "quality"
                    )
                }
            } catch let error as HallmarkError {
                throw error.at("submission \(position + 1)")
            }
        }
    }

    private static let validationOrigin = try! MemberID("validation")
}
