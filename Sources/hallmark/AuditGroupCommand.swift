import ArgumentParser

/// `hallmark audit`: provenance. `hallmark audit KIND VALUE` (the default, `show`) lists an identifier's entries
/// with their proofs; the other subcommands make and check evidence bundles and verify the whole store.
struct AuditGroupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Audit provenance: an identifier's entries, evidence bundles, the whole store.",
        subcommands: [
            AuditCommand.self, AuditEvidenceCommand.self, AuditVerifyCommand.self, AuditVerifyStoreCommand.self,
            AuditOriginCommand.self,
            AuditReportCommand.self,
        ],
        defaultSubcommand: AuditCommand.self
    )
}
