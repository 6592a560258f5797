import ArgumentParser
import HallmarkClient
import HallmarkCore
import HallmarkDocuments
import HallmarkMember
import HallmarkRecords

/// `hallmark audit [show]`: every entry about an identifier, with its proofs (the default of ``AuditGroupCommand``).
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show every entry about an identifier and verify its inclusion proof and checkpoint signature.",
        discussion: "Exit status 0 when every entry verifies, 2 when one does not or on error."
    )

    @OptionGroup var folder: DataFolderOptions

    @OptionGroup var indicator: IdentifierArguments

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        let identifier = try indicator.identifier()
        let report = try await folder.withNodeOrStore { try await $0.audit(identifier) }
        if json {
            try Output.json(report)
        } else {
            Output.line("\(report.kind) '\(report.value)'  digest \(report.digest)")
            if report.entries.isEmpty { Output.line("  no entries") }
            for entry in report.entries {
                var line = "  \(entry.origin)#\(entry.index)  \(entry.time)  \(entry.action)"
                if entry.action != EntryAction.retract.name { line += "  reason \(entry.reason)" }
                if entry.action == EntryAction.assert.name { line += "  confidence \(entry.confidence)" }
                if let disputed = entry.disputedOrigin { line += "  disputes \(disputed)" }
                Output.line(line)
                if let revoked = entry.revoked { Output.line("    \(CheckCommand.describe(revoked))") }
                if let size = entry.checkpointTreeSize, let root = entry.checkpointRoot, let time = entry.checkpointTime
                {
                    Output.line("    checkpoint: size \(size), root \(root), signed \(time)")
                }
                // The problems are listed inclusion first, then signature, each only when it failed.
                var problems = entry.problems[...]
                let inclusionProblem = entry.inclusionVerified ? nil : problems.popFirst()
                let signatureProblem = entry.signatureVerified ? nil : problems.popFirst()
                Output.line("    inclusion proof: \(inclusionProblem.map { "FAILED (\($0))" } ?? "verified")")
                Output.line("    signature: \(signatureProblem.map { "FAILED (\($0))" } ?? "verified")")
                Output.line("    received from \(entry.receivedFrom) at \(entry.receivedAt)")
            }
        }
        if !report.verified {
            throw HallmarkError(.proofMismatch, "some entries about this identifier do not verify")
        }
    }
}
