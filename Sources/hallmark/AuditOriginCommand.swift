import ArgumentParser
import HallmarkClient
import HallmarkCore
import HallmarkDocuments
import HallmarkMember

/// `hallmark audit origin MEMBER`: one origin's log, its witnesses, and any proof that it equivocated.
struct AuditOriginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "origin",
        abstract: "Show an origin's log size, latest checkpoint and its cosigners, and any equivocation evidence.",
        discussion: """
            Shows the origin's certificate and revocation state, whether it is quarantined (and the quarantines an \
            operator cleared, with their notes), the members who \
            cosigned its latest checkpoint, and every piece of equivocation evidence: both checkpoints, who showed \
            each to this node and when, and who cosigned each. With --json the output holds both checkpoints' exact \
            bytes, their cosignatures and the certificates that verify them, so that it is itself evidence.
            """
    )

    @OptionGroup var folder: DataFolderOptions

    @Argument(help: ArgumentHelp("The origin's member id.", valueName: "MEMBER"))
    var member: String

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        let origin = try MemberID(member)
        let audit = try await folder.withNodeOrStore { try await $0.auditOrigin(origin) }
        if json {
            try Output.json(audit)
            return
        }
        Output.line("origin        \(audit.origin)")
        Output.line("log           \(audit.logSize) entries held")
        if let certificate = audit.certificate {
            Output.line("certificate   sha256 \(certificate.fingerprint), serial \(certificate.serialNumber)")
        } else {
            Output.line("certificate   none held")
        }
        Output.line("revocation    \(audit.revoked.map(CheckCommand.describe) ?? "not revoked")")
        if let checkpoint = audit.latestCheckpoint {
            Output.line("checkpoint    \(Self.describe(checkpoint))")
            Output.line("cosigned by   \(Self.cosigners(checkpoint))")
        } else {
            Output.line("checkpoint    none held")
        }
        if let quarantine = audit.quarantine {
            Output.line("QUARANTINED   since \(quarantine.since): \(quarantine.reason)")
        } else {
            Output.line("quarantine    no")
        }
        for cleared in audit.clearedQuarantines ?? [] {
            let note = cleared.note.isEmpty ? "" : " (\(cleared.note))"
            Output.line(
                "cleared       \(cleared.clearedAt) by the operator\(note): quarantined since \(cleared.quarantinedSince)"
            )
        }
        if audit.equivocations.isEmpty { Output.line("equivocation  none found") }
        for evidence in audit.equivocations {
            Output.line("EQUIVOCATION  found \(evidence.detectedAt), offered by \(evidence.offeredBy)")
            if let held = evidence.held {
                Output.line("  held        \(Self.describe(held))")
                Output.line("              cosigned by \(Self.cosigners(held))")
            } else {
                Output.line("  held        (none to show)")
            }
            Output.line("  offered     \(Self.describe(evidence.offered))")
            Output.line("              cosigned by \(Self.cosigners(evidence.offered))")
        }
    }

    /// `size N, root R, signed T (from M at T')`.
    static func describe(_ checkpoint: OriginAudit.WitnessedCheckpoint) -> String {
        var line = "size \(checkpoint.treeSize), root \(checkpoint.rootHash), signed \(checkpoint.time)"
        if let from = checkpoint.receivedFrom, let at = checkpoint.receivedAt { line += " (from \(from) at \(at))" }
        return line
    }

    /// `member at T, …`, or `nobody`.
    static func cosigners(_ checkpoint: OriginAudit.WitnessedCheckpoint) -> String {
        guard !checkpoint.cosignatures.isEmpty else { return "nobody" }
        return checkpoint.cosignatures.map { "\($0.cosigner) at \($0.time)" }.joined(separator: ", ")
    }
}
