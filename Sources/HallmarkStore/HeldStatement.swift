/// Where a store holds a checkpoint's statement (``HallmarkStore/holdsStatement(of:)``).
public enum HeldStatement: Sendable, Equatable {
    /// A checkpoint of the origin's log, whose entries the store holds.
    case log
    /// One of the two checkpoints of equivocation evidence.
    case evidence
}
