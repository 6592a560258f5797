/// What a log entry does to an indicator: assert it, retract the origin's own assertion, or dispute another member's.
///
/// The wire values are fixed by format version 1 of ``Entry``; a new action needs a new format version.
public enum EntryAction: Sendable, Hashable, CaseIterable, Codable, CustomStringConvertible {
    /// The origin says the indicator is bad.
    case assert
    /// The origin withdraws its own earlier assertion of the indicator.
    case retract
    /// The origin contests another member's assertion of the indicator (a false-positive report).
    case dispute

    /// The byte that stands for the action in an encoded entry: 1, 2 or 3.
    public var wireValue: UInt8 {
        switch self {
        case .assert: 1
        case .retract: 2
        case .dispute: 3
        }
    }

    /// The action's name in text formats: `assert`, `retract` or `dispute`.
    public var name: String {
        switch self {
        case .assert: "assert"
        case .retract: "retract"
        case .dispute: "dispute"
        }
    }

    /// Reads the action byte of an encoded entry.
    /// - Parameter wireValue: 1, 2 or 3.
    /// - Throws: ``HallmarkError`` `malformed` for any other byte.
    public init(wireValue: UInt8) throws {
        switch wireValue {
        case 1: self = .assert
        case 2: self = .retract
        case 3: self = .dispute
        default:
            throw HallmarkError(
                .malformed,
                "action byte \(wireValue) is not 1 (assert), 2 (retract) or 3 (dispute)",
                location: "action"
            )
        }
    }

    /// Parses an action name.
    /// - Parameter name: `assert`, `retract` or `dispute`.
    /// - Throws: ``HallmarkError`` `invalid-value` for anything else.
    public init(name: some StringProtocol) throws {
        guard let action = Self.allCases.first(where: { $0.name == name }) else {
            throw HallmarkError(.invalidValue, "unknown action '\(name)' (expected assert, retract or dispute)")
        }
        self = action
    }

    public var description: String { name }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let name = try container.decode(String.self)
        do {
            try self.init(name: name)
        } catch let error as HallmarkError {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.message)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(name)
    }
}
