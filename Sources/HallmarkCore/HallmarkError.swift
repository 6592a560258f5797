/// An error from any part of Hallmark: what went wrong, where in the input, and where in the code.
///
/// Errors are structs rather than enums so that new cases never break callers: compare ``code``
/// to tell them apart, show ``description`` to a person.
public struct HallmarkError: Error, CustomStringConvertible, Sendable, Equatable {
    /// A stable, machine-readable identifier for a class of error.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's name, such as `invalid-value`.
        public let name: String

        /// Creates a code; prefer the predefined ones.
        public init(_ name: String) { self.name = name }

        public var description: String { name }

        /// An identifier or field value that breaks its format rules.
        public static let invalidValue = Code("invalid-value")
        /// An indicator kind that this node does not know.
        public static let unknownKind = Code("unknown-kind")
        /// Bytes that do not decode as the format they claim to be.
        public static let malformed = Code("malformed")
        /// A Merkle proof or root that does not match.
        public static let proofMismatch = Code("proof-mismatch")
        /// A signature that does not verify.
        public static let badSignature = Code("bad-signature")
        /// A certificate or key that the alliance does not vouch for, or that does not match.
        public static let untrustedCredential = Code("untrusted-credential")
        /// A file that is missing, unreadable, or would be overwritten.
        public static let fileProblem = Code("file-problem")
        /// A data folder that is not a Hallmark store, or a store in an unusable state.
        public static let storeProblem = Code("store-problem")
        /// An operation that is not allowed, such as retracting another member's assertion.
        public static let notPermitted = Code("not-permitted")
        /// A peer that cannot be reached, refuses this node, or fails mid-call.
        public static let peerProblem = Code("peer-problem")
        /// Something looked up that does not exist.
        public static let notFound = Code("not-found")
        /// The disk holding the data folder is full: the write was not stored, and will succeed once space returns.
        public static let storageFull = Code("storage-full")
        /// The node is shutting down and stopped the work asked of it; ask again once it runs.
        public static let unavailable = Code("unavailable")
    }

    /// The class of error.
    public var code: Code
    /// What is wrong, written for the person who has to fix it.
    public var message: String
    /// Where in the input the problem is, such as `indicators.csv:12` or a field name; `nil` when not applicable.
    public var location: String?
    /// The source file in Hallmark that raised the error, for bug reports.
    public var sourceFile: String
    /// The source line in Hallmark that raised the error.
    public var sourceLine: Int

    /// Creates an error.
    /// - Parameters:
    ///   - code: The class of error.
    ///   - message: What is wrong, for a person.
    ///   - location: Where in the input the problem is, if anywhere.
    public init(
        _ code: Code,
        _ message: String,
        location: String? = nil,
        sourceFile: String = #fileID,
        sourceLine: Int = #line
    ) {
        self.code = code
        self.message = message
        self.location = location
        self.sourceFile = sourceFile
        self.sourceLine = sourceLine
    }

    /// The same error with its input location set (or prefixed, when one is already set).
    public func at(_ location: String) -> HallmarkError {
        var copy = self
        copy.location = self.location.map { "\(location): \($0)" } ?? location
        return copy
    }

    /// `location: message`, one line.
    public var description: String {
        if let location { return "\(location): \(message)" }
        return message
    }

    public static func == (lhs: HallmarkError, rhs: HallmarkError) -> Bool {
        lhs.code == rhs.code && lhs.message == rhs.message && lhs.location == rhs.location
    }
}
