import HallmarkAPI
import HallmarkMember

extension SubmissionOutcome {
    /// The outcome an API answer reports.
    init(_ outcome: APIDocument.Outcome) {
        self.init(appended: outcome.appended, unchanged: outcome.unchanged, logSize: outcome.logSize)
    }
}
