import ArgumentParser
import Foundation
import HallmarkAPI
import HallmarkClient
import HallmarkCore
import HallmarkDocuments
import HallmarkMember
import HallmarkRecords

/// `hallmark status`: what the node holds.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the member, its log, indicator counts by kind, and the filter."
    )

    @OptionGroup var folder: DataFolderOptions

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        let (status, peers) = try await folder.withNodeOrStore { (try await $0.status(), try await $0.peers()) }
        if json {
            try Output.json(status)
            return
        }
        Output.line("member        \(status.member)")
        Output.line("data          \(status.dataDirectory)")
        Output.line("alliance key  \(status.allianceKeyID)")
        Output.line("own log       \(status.ownLogSize) entries")
        Output.line("entries held  \(status.entries) from \(status.logs.count) origin(s)")
        Output.line("listed")
        for kind in IndicatorKind.known {
            Output.line(
                "  \(kind.name.padding(toLength: 10, withPad: " ", startingAt: 0)) \(status.listed[kind.name] ?? 0)"
            )
        }
        Output.line(
            "filter        \(status.filterBytes) bytes, sized for \(status.filterCapacity) digests, \(status.filterInserted) inserted, expected false-positive rate \(String(format: "%.4f%%", status.filterExpectedFalsePositiveRate * 100))"
        )
        Output.line("revocations   \(status.revocationListNumber.map { "list number \($0)" } ?? "no list installed")")
        for rejection in status.peerRejections {
            Output.line(
                "rejected      from \(rejection.peer), log of \(rejection.origin): \(rejection.count)×, last \(rejection.lastAt): \(rejection.reason)"
            )
        }
        for quarantine in status.quarantined {
            Output.line("QUARANTINED   \(quarantine.origin) since \(quarantine.since): \(quarantine.reason)")
        }
        if status.equivocations > 0 {
            Output.line("equivocation  \(status.equivocations) piece(s) of evidence kept")
        }
        // Only a running node knows these.
        if let peers {
            Output.line("node          running, control socket \(folder.controlSocket.path)")
            for peer in peers.peers {
                Output.line("peer          \(peer.member) at \(peer.address)")
            }
            for refusal in peers.refusals {
                Output.line(
                    "refused       \(refusal.from): \(refusal.reason), \(refusal.count)×, last \(refusal.lastAt)"
                )
            }
        }
    }
}
