import ArgumentParser
import Foundation
import HallmarkCore
import HallmarkMember
import HallmarkStore

/// `hallmark status`: what the node holds.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the member, its log, indicator counts by kind, and the filter."
    )

    @OptionGroup var store: StoreOptions

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        let status = try await store.withNode { try await $0.status() }
        if json {
            try Output.json(ReportDocument.StatusBody(status))
            return
        }
        let filter = status.store.filter
        Output.line("member        \(status.member)")
        Output.line("data          \(status.dataDirectory.path)")
        Output.line("alliance key  \(status.allianceKeyID)")
        Output.line("own log       \(status.ownLogSize) entries")
        Output.line("entries held  \(status.store.entryCount) from \(status.store.logs.count) origin(s)")
        Output.line("listed")
        for kind in IndicatorKind.known {
            Output.line(
                "  \(kind.name.padding(toLength: 10, withPad: " ", startingAt: 0)) \(status.store.listedByKind[kind] ?? 0)"
            )
        }
        Output.line(
            "filter        \(filter.byteCount) bytes, sized for \(filter.capacity) digests, \(filter.insertedCount) inserted, expected false-positive rate \(String(format: "%.4f%%", filter.expectedFalsePositiveRate * 100))"
        )
        Output.line("revocations   \(status.revocationListNumber.map { "list number \($0)" } ?? "no list installed")")
        for rejection in status.peerRejections {
            Output.line(
                "rejected      from \(rejection.peer), log of \(rejection.origin): \(rejection.count)×, last \(rejection.lastAt.iso8601): \(rejection.reason)"
            )
        }
        for quarantine in status.quarantinedOrigins {
            Output.line("QUARANTINED   \(quarantine.origin) since \(quarantine.since.iso8601): \(quarantine.reason)")
        }
        if status.equivocationCount > 0 {
            Output.line("equivocation  \(status.equivocationCount) piece(s) of evidence kept")
        }
    }
}
