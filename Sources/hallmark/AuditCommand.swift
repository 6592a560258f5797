import ArgumentParser
import HallmarkCore
import HallmarkMember
import HallmarkStore

/// `hallmark audit [show]`: every entry about an identifier, with its proofs (the default of ``AuditGroupCommand``).
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show every entry about an identifier and verify its inclusion proof and checkpoint signature.",
        discussion: "Exit status 0 when every entry verifies, 2 when one does not or on error."
    )

    @OptionGroup var store: StoreOptions

    @OptionGroup var indicator: IdentifierArguments

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        let identifier = try indicator.identifier()
        let report = try await store.withNode { try await $0.audit(identifier) }
        if json {
            try Output.json(ReportDocument.AuditBody(report))
        } else {
            Output.line("\(identifier.kind) '\(identifier.normalized)'  digest \(report.digest.hex)")
            if report.entries.isEmpty { Output.line("  no entries") }
            for audited in report.entries {
                let entry = audited.stored.entry
                var line = "  \(entry.origin)#\(entry.index)  \(entry.time.iso8601)  \(entry.action)"
                if entry.action != .retract { line += "  reason \(entry.reason)" }
                if entry.action == .assert { line += "  confidence \(entry.confidence)" }
                if let disputed = entry.disputedOrigin { line += "  disputes \(disputed)" }
                Output.line(line)
                if let revoked = report.revokedOrigins[entry.origin] {
                    Output.line("    \(CheckCommand.describe(revoked))")
                }
                if let checkpoint = audited.checkpoint {
                    Output.line(
                        "    checkpoint: size \(checkpoint.treeSize), root \(checkpoint.rootHash.hex), signed \(checkpoint.time.iso8601)"
                    )
                }
                Output.line("    inclusion proof: \(audited.inclusionProblem.map { "FAILED (\($0))" } ?? "verified")")
                Output.line("    signature: \(audited.signatureProblem.map { "FAILED (\($0))" } ?? "verified")")
                Output.line("    received from \(audited.stored.receivedFrom) at \(audited.stored.receivedAt.iso8601)")
            }
        }
        if !report.allVerified {
            throw HallmarkError(.proofMismatch, "some entries about this identifier do not verify")
        }
    }
}
