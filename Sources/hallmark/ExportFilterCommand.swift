import ArgumentParser
import Foundation
import HallmarkCore
import HallmarkMember
import HallmarkPKI

/// `hallmark export filter`: a signed Bloom filter of the listed digests, or a delta, for the member's own systems.
struct ExportFilterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "filter",
        abstract: "Write a member filter file (Protocol/member-filter.md), or a delta against earlier ones.",
        discussion: """
            The file holds a Bloom filter of every digest this node holds listed, of the kinds chosen (all by \
            default), signed with this member's key. A consumer tests identifiers against it locally: it computes \
            each keyed digest itself, so it needs the alliance key — the file and the key are for this member's own \
            systems only. With --against FULL [--against DELTA]..., the file is a delta for a consumer that holds \
            FULL with those deltas applied.
            """
    )

    @OptionGroup var folder: DataFolderOptions

    @Option(help: ArgumentHelp("The file to write.", valueName: "FILE"))
    var out: String

    @Option(name: .customLong("kind"), help: ArgumentHelp("A kind to include; may be repeated.", valueName: "KIND"))
    var kinds: [String] = []

    @Option(
        name: .customLong("against"),
        help: ArgumentHelp("The full file the consumer holds, then each delta it applied since.", valueName: "FILE")
    )
    var against: [String] = []

    @Flag(help: "Overwrite the file if it exists.")
    var force = false

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        if !against.isEmpty, !kinds.isEmpty {
            throw ValidationError("a delta has the kinds of its full file: give --kind or --against, not both")
        }
    }

    func run() async throws {
        let kinds =
            try self.kinds.isEmpty ? MemberFilterFile.kindBits : self.kinds.map { try IndicatorKind(parsing: $0) }
        let earlier = try against.map { path in
            guard let data = FileManager.default.contents(atPath: path) else {
                throw HallmarkError(.fileProblem, "cannot read the file", location: path)
            }
            return Array(data)
        }
        let exported = try await folder.withStore { member in
            earlier.isEmpty
                ? try await member.exportFilter(kinds: kinds) : try await member.exportFilterDelta(against: earlier)
        }
        // Owner-only: with the alliance key, the file tests any identifier against the alliance's blacklist.
        try CredentialFile.writeAtomically(
            exported.bytes,
            to: URL(fileURLWithPath: out),
            mode: CredentialFile.secretMode,
            force: force
        )
        let written = CommandDocuments.FilterWritten(path: out, size: exported.bytes.count, exported.file)
        if json { return try Output.json(written) }
        Output.line(
            "wrote \(out): \(written.type) filter of \(written.digests) digests (\(written.kinds.joined(separator: ", "))), "
                + "\(written.blocks) blocks, \(written.bytes) bytes"
                + (written.changedBlocks.map { ", \($0) blocks changed" } ?? "")
        )
    }
}
