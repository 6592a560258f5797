import HallmarkCore

/// A member's assertion about one identifier, before it becomes an entry in its log.
public struct Submission: Sendable, Equatable {
    /// The confidence used when none is given.
    public static let defaultConfidence = 90
    /// The reason code used when none is given.
    public static let defaultReason = "counterfeit"

    /// What is asserted: an identifier, or the digest of one whose raw value this machine does not hold.
    public enum Subject: Sendable, Hashable {
        /// A normalized identifier: digested here, and its raw value kept in this member's store.
        case identifier(Identifier)
        /// A digest as another tool gave it (a STIX import), for its kind: asserted as is, with no raw value stored.
        case digest(IndicatorKind, Hash256)
    }

    /// What is asserted.
    public var subject: Subject
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

    /// Creates a submission of an identifier; values are validated when it becomes an entry.
    public init(
        identifier: Identifier,
        confidence: Int = Submission.defaultConfidence,
        reason: String = Submission.defaultReason,
        expires: Timestamp? = nil,
        note: String = "",
        quality: Int? = nil
    ) {
        self.init(
            subject: .identifier(identifier),
            confidence: confidence,
            reason: reason,
            expires: expires,
            note: note,
            quality: quality
        )
    }

    /// Creates a submission; values are validated when it becomes an entry.
    public init(
        subject: Subject,
        confidence: Int = Submission.defaultConfidence,
        reason: String = Submission.defaultReason,
        expires: Timestamp? = nil,
        note: String = "",
        quality: Int? = nil
    ) {
        self.subject = subject
        self.confidence = confidence
        self.reason = reason
        self.expires = expires
        self.note = note
        self.quality = quality
    }
}

extension Submission {
    /// The kind of what is asserted.
    public var kind: IndicatorKind {
        switch subject {
        case .identifier(let identifier): identifier.kind
        case .digest(let kind, _): kind
        }
    }

    /// The identifier, when it was given raw; `nil` for a digest.
    public var identifier: Identifier? {
        if case .identifier(let identifier) = subject { identifier } else { nil }
    }

    /// The identifier's normalized text, or the digest's hex, for messages.
    public var shown: String {
        switch subject {
        case .identifier(let identifier): identifier.normalized
        case .digest(_, let digest): digest.hex
        }
    }

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
            guard kind == .imagePDQ else {
                throw HallmarkError(
                    .invalidValue,
                    "a quality goes with image-pdq hashes only, not \(kind)",
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
            kind: kind,
            digest: .zero,
            keyID: kind.isSharedUnkeyed ? "" : "k0000000000000000",
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
                        "image-pdq \(submission.shown) has quality \(quality), below this node's floor "
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
