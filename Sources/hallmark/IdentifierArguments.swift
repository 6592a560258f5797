import ArgumentParser
import HallmarkCore

/// `KIND VALUE`, shared by the commands about one identifier.
struct IdentifierArguments: ParsableArguments {
    @Argument(help: "The kind: seller, sku, url or image-pdq.")
    var kind: String

    @Argument(help: "The identifier (it never leaves this node; only its digest is shared).")
    var value: String

    /// The identifier, normalized.
    /// - Throws: ``HallmarkError`` when the kind is unknown or the value breaks the kind's rules.
    func identifier() throws -> Identifier {
        try Identifier(kind: IndicatorKind(parsing: kind), value: value)
    }
}
