import HallmarkCore

extension Submission {
    /// A submission from fields as a person or a system writes them (an import file, the HTTP API): an absent
    /// field takes its default, `expires` is read by ``ExpiryParser``, and the whole is validated.
    /// - Parameters:
    ///   - confidence: 0–100; ``defaultConfidence`` when `nil`.
    ///   - reason: A reason code; ``defaultReason`` when `nil` or empty.
    ///   - expires: A duration from `now` or a UTC date; never when `nil` or blank.
    ///   - note: A short note; empty when `nil`.
    ///   - quality: For `image-pdq`, the hash's PDQ quality (0–100), when known.
    ///   - now: What a duration counts from.
    /// - Throws: ``HallmarkError`` `invalid-value` whose location is the field's name (`confidence`, `expires`…).
    public init(
        subject: Subject,
        confidence: Int?,
        reason: String?,
        expires: String?,
        note: String?,
        quality: Int? = nil,
        now: Timestamp
    ) throws {
        self.init(subject: subject, quality: quality)
        if let confidence {
            guard (0...100).contains(confidence) else {
                throw HallmarkError(
                    .invalidValue,
                    "\(confidence) is not a whole number from 0 to 100",
                    location: "confidence"
                )
            }
            self.confidence = confidence
        }
        if let reason, !reason.isEmpty { self.reason = reason.trimmingASCIIWhitespace() }
        if let expires, !expires.trimmingASCIIWhitespace().isEmpty {
            do {
                self.expires = try ExpiryParser.parse(expires, now: now)
            } catch let error as HallmarkError {
                throw error.at("expires")
            }
        }
        if let note { self.note = note }
        try validate()
    }
}
