import HallmarkCore
import HallmarkMember

extension APIDocument {
    /// The answer to `POST /v1/indicators`, `/v1/retractions` and `/v1/disputes`.
    public struct Outcome: Codable, Sendable, Equatable {
        /// Entries appended to this member's log (under one signed checkpoint).
        public var appended: Int
        /// Submissions left out because they repeat this member's current assertion.
        public var unchanged: Int
        /// This member's log size afterwards.
        public var logSize: UInt64

        /// The JSON form of an outcome.
        public init(_ outcome: SubmissionOutcome) {
            appended = outcome.appended
            unchanged = outcome.unchanged
            logSize = outcome.logSize
        }
    }
}

extension SubmissionOutcome {
    /// The outcome an API answer reports: the inverse of ``APIDocument/Outcome/init(_:)``.
    public init(_ outcome: APIDocument.Outcome) {
        self.init(appended: outcome.appended, unchanged: outcome.unchanged, logSize: outcome.logSize)
    }
}
