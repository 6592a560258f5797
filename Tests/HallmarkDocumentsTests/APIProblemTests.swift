import HallmarkCore
import HallmarkDocuments
import Testing

@Suite("API problems")
struct APIProblemTests {
    @Test(
        "each class of error answers with its HTTP status and code",
        arguments: [
            (HallmarkError.Code.invalidValue, false, 400), (.malformed, false, 400), (.notFound, true, 404),
            (.notFound, false, 422), (.notPermitted, false, 422), (.peerProblem, false, 502),
            (.storageFull, false, 507), (.storeProblem, false, 500),
        ]
    )
    func status(code: HallmarkError.Code, reading: Bool, status: Int) {
        let problem = APIProblem(HallmarkError(code, "what went wrong", location: "here"), reading: reading)
        #expect(problem.status == status)
        #expect(problem.code == code.name)
        #expect(problem.detail == "what went wrong")
        #expect(problem.field == "here")
    }
}
