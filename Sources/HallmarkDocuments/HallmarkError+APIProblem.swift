import HallmarkCore

extension HallmarkError {
    /// The error a problem answer stands for: the inverse of ``APIProblem/init(_:)``, so that an operation refused
    /// by the running node reads as the same operation refused by the store.
    public init(_ problem: APIProblem) {
        self.init(Code(problem.code), problem.detail, location: problem.field)
    }
}
