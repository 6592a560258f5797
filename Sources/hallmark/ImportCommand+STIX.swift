import Foundation
import HallmarkClient
import HallmarkCore
import HallmarkDocuments
import HallmarkInterchange
import HallmarkMember

extension ImportCommand {
    /// What a STIX import did, as `--json` prints it.
    struct STIXOutcome: Encodable {
        var appended: Int
        var unchanged: Int
        var logSize: UInt64
        /// Indicator objects in the bundle, and those submitted.
        var indicators: Int
        var imported: Int
        var revoked: Int
        var expired: Int
        var merged: Int
        var superseded: Int
        var opinions: Int
        /// Indicators whose pattern was not read, each with why.
        var unsupported: [STIXImport.Skipped]
    }

    /// Imports a STIX 2.1 bundle (`Protocol/stix.md`, "Import"): its indicators become this member's assertions;
    /// what cannot be read is reported.
    func importSTIX() async throws {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: file))
        } catch {
            throw HallmarkError(.invalidValue, "cannot read the file: \(error.localizedDescription)", location: file)
        }
        let (bundle, outcome) = try await folder.withNodeOrStore { member in
            let bundle = try STIXImport(
                reading: data,
                allianceKeyID: try await member.status().allianceKeyID,
                now: .now(),
                source: file
            )
            var start = 0
            let (outcome, _) = try await submitInChunks(to: member, total: bundle.submissions.count) {
                let chunk = Array(bundle.submissions[start..<min(start + Self.chunkSize, bundle.submissions.count)])
                start += chunk.count
                return chunk
            } committed: { _ in
            }
            return (bundle, outcome)
        }
        if json {
            return try Output.json(
                STIXOutcome(
                    appended: outcome.appended,
                    unchanged: outcome.unchanged,
                    logSize: outcome.logSize,
                    indicators: bundle.indicators,
                    imported: bundle.submissions.count,
                    revoked: bundle.revoked,
                    expired: bundle.expired,
                    merged: bundle.merged,
                    superseded: bundle.superseded,
                    opinions: bundle.opinions,
                    unsupported: bundle.unsupported
                )
            )
        }
        Output.line(
            "imported \(bundle.submissions.count) of \(bundle.indicators) STIX indicators from \(file): "
                + "\(outcome.appended) appended, \(outcome.unchanged) unchanged (log size \(outcome.logSize))"
        )
        let left = [
            (bundle.revoked, "revoked"), (bundle.expired, "expired"), (bundle.merged, "repeats of another"),
            (bundle.superseded, "earlier versions"),
            (bundle.opinions, "opinions (disputes are made with hallmark dispute)"),
        ].filter { $0.0 > 0 }.map { "\($0.0) \($0.1)" }
        if !left.isEmpty { Output.note("left out: " + left.joined(separator: ", ")) }
        guard !bundle.unsupported.isEmpty else { return }
        Output.note("\(bundle.unsupported.count) indicators with patterns not read (nothing guessed):")
        for skipped in bundle.unsupported.prefix(Self.unsupportedShown) {
            Output.note("  \(skipped.id): \(skipped.reason): \(skipped.pattern)")
        }
        if bundle.unsupported.count > Self.unsupportedShown {
            Output.note("  … and \(bundle.unsupported.count - Self.unsupportedShown) more (--json lists them all)")
        }
    }

    /// Indicators not read that the text output lists one by one.
    static let unsupportedShown = 20
}
