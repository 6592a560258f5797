import HallmarkCore

/// What `hallmark audit verify-store` found: per origin, how much of its log was checked and its first problem.
public struct StoreVerification: Sendable {
    /// One origin's log as checked.
    public struct Log: Sendable {
        /// The origin.
        public var origin: MemberID
        /// Entries read and hashed.
        public var entries: UInt64
        /// Stored checkpoints checked.
        public var checkpoints: Int
        /// The first problem found, in log order; `nil` when the log verifies.
        public var problem: Problem?
    }

    /// Something wrong with a stored log.
    public struct Problem: Sendable {
        /// The first log index concerned, when the problem is about entries.
        public var index: UInt64?
        /// What is wrong, for a person.
        public var message: String
    }

    /// Every origin the store holds, in order.
    public var logs: [Log]

    /// Whether every log verifies.
    public var isClean: Bool { logs.allSatisfy { $0.problem == nil } }
}
