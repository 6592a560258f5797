import ArgumentParser
import Foundation
import HallmarkClient
import HallmarkCore
import HallmarkEvidence
import HallmarkMember
import HallmarkPKI

/// `hallmark audit evidence KIND VALUE --out FILE`: writes a self-contained, signed evidence bundle.
struct AuditEvidenceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evidence",
        abstract: "Write an evidence bundle about an identifier: every entry with its proofs, checkable offline.",
        discussion: """
            The bundle (JSON, Protocol/evidence.md) holds each entry's exact bytes, its inclusion proof, the signed \
            checkpoint, the origin's certificate, the alliance CA's fingerprint, the revocation list in force and \
            the hop each entry came by, signed by this node. Check it anywhere with \
            'hallmark audit verify FILE --alliance-ca ca.pem'. The raw identifier is not in it, only its digest.
            """
    )

    @OptionGroup var folder: DataFolderOptions

    @OptionGroup var indicator: IdentifierArguments

    @Option(help: ArgumentHelp("The bundle file to write.", valueName: "FILE"))
    var out: String

    @Flag(help: "Overwrite the file if it exists.")
    var force = false

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        let identifier = try indicator.identifier()
        let bundle = try await folder.withNodeOrStore { try await $0.evidence(identifier) }
        let file = URL(fileURLWithPath: out)
        try CredentialFile.writeAtomically(
            String(decoding: try bundle.jsonData(), as: UTF8.self),
            to: file,
            mode: CredentialFile.publicMode,
            force: force
        )
        if json {
            return try Output.json(
                CommandDocuments.EvidenceWritten(
                    file: file.path,
                    entries: bundle.entries.count,
                    origins: Set(bundle.entries.map(\.origin)).sorted()
                )
            )
        }
        let origins = Set(bundle.entries.map(\.origin)).sorted().joined(separator: ", ")
        Output.line(
            "wrote \(file.path): \(bundle.entries.count) entries about \(identifier.kind) '\(identifier.normalized)' from \(origins)"
        )
    }
}
