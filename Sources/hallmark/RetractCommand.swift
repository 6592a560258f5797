import ArgumentParser
import HallmarkCore
import HallmarkNode

/// `hallmark retract`: withdraw this member's own assertion.
struct RetractCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retract",
        abstract: "Withdraw this member's assertion of an identifier (only its origin can)."
    )

    @OptionGroup var store: StoreOptions

    @Argument(help: "The kind: seller, sku, url or image-pdq.")
    var kind: String

    @Argument(help: "The identifier.")
    var value: String

    @Option(help: "A short note on why (shared with the alliance).")
    var note: String = ""

    func run() async throws {
        let identifier = try Identifier(kind: IndicatorKind(parsing: kind), value: value)
        let outcome = try await store.withNode { try await $0.retract([identifier], note: note) }
        Output.line("retracted \(identifier.kind) '\(identifier.normalized)' (log size \(outcome.logSize))")
    }
}
