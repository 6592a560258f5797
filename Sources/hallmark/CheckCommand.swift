import ArgumentParser
import Foundation
import HallmarkClient
import HallmarkCore
import HallmarkDocuments
import HallmarkImage
import HallmarkMember
import HallmarkRecords

/// `hallmark check`: is an identifier known-bad, and who says so? Exit 0 when listed, 1 when not (or allowlisted),
/// 2 on error.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check identifiers. Exit status 0 when one is listed, 1 when none is, 2 on error.",
        discussion: """
            With --file, each line is 'KIND VALUE' (the kind, then white space, then the value), or just the value
            when --kind is given. Blank lines and lines starting with # are skipped.
            An identifier on this member's allowlist prints 'allowlisted' and counts as not listed (exit status 1:
            do not block it), whoever lists it. An origin whose certificate is revoked is marked 'REVOKED'.
            An image-pdq hash is listed when a listed hash lies within --max-distance bits of it (the node's setting,
            31 by default); every such match is shown, nearest first. --image FILE hashes a JPEG or PNG file here and
            checks its hash.
            """
    )

    @OptionGroup var folder: DataFolderOptions

    @Argument(help: "The kind: seller, sku, url or image-pdq.")
    var kind: String?

    @Argument(help: "The identifier.")
    var value: String?

    @Option(help: ArgumentHelp("Check every identifier of a file, one a line.", valueName: "FILE"))
    var file: String?

    @Option(
        name: .customLong("kind"),
        help: ArgumentHelp("With --file: the kind of every line, which then holds just the value.", valueName: "KIND")
    )
    var fileKind: String?

    @Option(
        name: .customLong("image"),
        help: ArgumentHelp("Hash a JPEG or PNG image (PDQ) and check the hash; may be repeated.", valueName: "FILE")
    )
    var images: [String] = []

    @Option(
        help: ArgumentHelp(
            "For image-pdq: the largest number of differing bits at which a listed hash matches (0-32).",
            valueName: "BITS"
        )
    )
    var maxDistance: Int?

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        if let maxDistance {
            guard ImageMatching.distances.contains(maxDistance) else {
                throw ValidationError("--max-distance must be from 0 to \(ImageMatching.distances.upperBound) bits")
            }
        }
        if !images.isEmpty {
            guard file == nil, kind == nil else { throw ValidationError("give either --image FILE or identifiers") }
            return
        }
        if fileKind != nil, file == nil {
            throw ValidationError("--kind goes with --file; for one identifier give KIND VALUE")
        }
        if file == nil, value == nil {
            throw ValidationError("give KIND VALUE, or --file FILE")
        }
        if file != nil, value != nil {
            throw ValidationError("give either KIND VALUE or --file FILE, not both")
        }
        if let fileKind, let kind, fileKind != kind {
            throw ValidationError("give the file's kind once: --kind \(fileKind) or KIND \(kind)")
        }
    }

    func run() async throws {
        let identifiers =
            if !images.isEmpty {
                try images.map { path in
                    let hashed = try ImageHasher().hash(fileAt: path)
                    if hashed.quality < ImageMatching().minimumQuality {
                        Output.error(
                            "warning: \(path): PDQ quality \(hashed.quality) is low (a flat or tiny image); "
                                + "its hash may match unrelated images"
                        )
                    }
                    return try Identifier(kind: .imagePDQ, value: hashed.hash.hex)
                }
            } else {
                try file.map { try readIdentifiers(path: $0) }
                    ?? [Identifier(kind: IndicatorKind(parsing: kind ?? ""), value: value ?? "")]
            }
        let verdicts = try await folder.withNodeOrStore {
            try await $0.check(identifiers, imageDistance: maxDistance)
        }
        if json {
            if file == nil, images.count <= 1 {
                try Output.json(verdicts[0])
            } else {
                try Output.json(verdicts)
            }
        } else {
            for verdict in verdicts { print(verdict) }
        }
        if !verdicts.contains(where: { $0.status == Verdict.Status.listed.rawValue }) { throw ExitCode(1) }
    }

    private func readIdentifiers(path: String) throws -> [Identifier] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw HallmarkError(.fileProblem, "cannot read the file", location: path)
        }
        let fixedKind = try (fileKind ?? kind).map { try IndicatorKind(parsing: $0) }
        let name = URL(fileURLWithPath: path).lastPathComponent
        var identifiers: [Identifier] = []
        for (number, rawLine) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            .enumerated()
        {
            let location = "\(name):\(number + 1)"
            guard let line = String(validating: rawLine, as: UTF8.self) else {
                throw HallmarkError(.invalidValue, "line is not valid UTF-8", location: location)
            }
            let trimmed = line.trimmingASCIIWhitespace()
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            do {
                if let fixedKind {
                    identifiers.append(try Identifier(kind: fixedKind, value: trimmed))
                } else {
                    guard let split = trimmed.firstIndex(where: { $0 == " " || $0 == "\t" }) else {
                        throw HallmarkError(.invalidValue, "expected 'KIND VALUE'")
                    }
                    let kind = try IndicatorKind(parsing: trimmed[..<split])
                    identifiers.append(try Identifier(kind: kind, value: String(trimmed[split...])))
                }
            } catch let error as HallmarkError {
                throw error.at(location)
            }
        }
        return identifiers
    }

    private func print(_ verdict: APIDocument.VerdictBody) {
        let subject = "\(verdict.kind) '\(verdict.value ?? verdict.digest)'"
        switch verdict.status {
        case Verdict.Status.listed.rawValue: Output.line("LISTED  \(subject)")
        case Verdict.Status.allowlisted.rawValue: Output.line("allowlisted  \(subject)")
        default: Output.line("not listed  \(subject)")
        }
        guard let matches = verdict.matches else {
            print(verdict.origins)
            return
        }
        for match in matches {
            Output.line("  matches \(match.digest), \(match.distance) of 256 bits apart")
            print(match.origins)
        }
    }

    private func print(_ origins: [APIDocument.Origin]) {
        for origin in origins {
            let expires = origin.expires ?? "never"
            let via = origin.receivedFrom == origin.member ? "direct" : "via \(origin.receivedFrom)"
            Output.line(
                "  by \(origin.member): confidence \(origin.confidence), reason \(origin.reason), first seen \(origin.firstSeen), last seen \(origin.lastSeen), expires \(expires) (\(via))"
            )
            if let revoked = origin.revoked {
                let counts =
                    revoked.counts == true ? "received before it: still counts" : "received after it: does not count"
                Output.line("    \(Self.describe(revoked)); \(counts)")
            }
            if !origin.note.isEmpty { Output.line("    note: \(origin.note)") }
            for dispute in origin.disputes {
                Output.line("    disputed by \(dispute.member) at \(dispute.time): \(dispute.reason)")
            }
        }
    }

    /// One line about a revoked origin, shared with `audit`.
    static func describe(_ revoked: APIDocument.Revoked) -> String {
        "REVOKED since \(revoked.since) (\(revoked.reason), revocation list \(revoked.revocationList))"
    }
}
