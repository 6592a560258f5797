import ArgumentParser
import Foundation
import HallmarkCore
import HallmarkEvidence
import HallmarkPKI

/// `hallmark audit verify FILE --alliance-ca ca.pem`: checks an evidence bundle offline.
struct AuditVerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check an evidence bundle with nothing but the bundle and the alliance CA certificate.",
        discussion: """
            Prints every check and a verdict. Exit status 0 when the bundle is valid, 1 when it is invalid (the \
            verdict names the check that failed), 2 when it cannot be read (not JSON, truncated, not a bundle) or \
            on another error. Needs no data folder.
            """
    )

    @Argument(help: ArgumentHelp("The evidence bundle (JSON).", valueName: "FILE"))
    var file: String

    @Option(name: .customLong("alliance-ca"), help: ArgumentHelp("The alliance CA certificate.", valueName: "PEM"))
    var allianceCA: String

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        let trust = try AllianceTrust.load(caFile: URL(fileURLWithPath: allianceCA))
        let url = URL(fileURLWithPath: file)
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw HallmarkError(.fileProblem, "cannot read the bundle: \(error.localizedDescription)", location: file)
        }
        let verdict: EvidenceVerdict
        do {
            verdict = try await EvidenceVerifier(trust: trust).verify(json: data)
        } catch let error as HallmarkError {
            Output.line("VERDICT: UNREADABLE. \(error.description)")
            throw error.at(file)
        }
        if json {
            try Output.json(
                CommandDocuments.EvidenceVerification(
                    valid: verdict.isValid,
                    alliance: verdict.allianceName,
                    checks: verdict.checks.map {
                        .init(name: $0.name, item: $0.item, outcome: $0.outcome.rawValue, detail: $0.detail)
                    }
                )
            )
        } else {
            FileHandle.standardOutput.write(Data(verdict.text.utf8))
        }
        if !verdict.isValid { throw ExitCode(1) }
    }
}
