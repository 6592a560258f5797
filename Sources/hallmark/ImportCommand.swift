import ArgumentParser
import Foundation
import HallmarkClient
import HallmarkCore
import HallmarkDocuments
import HallmarkMember

/// `hallmark import`: assert every indicator of a CSV, JSON Lines or STIX file, in chunks each under its own checkpoint.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract:
            "Assert the indicators of a CSV (kind,value[,confidence,reason,expires,note]), JSON Lines or STIX 2.1 file.",
        discussion: """
            The file is checked whole first: a bad line rejects it, with its line number, and nothing is imported. \
            Then its indicators are appended in chunks of 50 000, each under its own signed checkpoint, so memory \
            stays flat whatever the file's size; progress goes to standard error. With a node running on the data \
            folder, the file is sent to it whole and the node imports it the same way. A .json file is read as a STIX 2.1 \
            bundle (Protocol/stix.md): its indicators become this member's assertions; revoked and expired ones, \
            opinions, and patterns Hallmark does not read are left out and reported.
            """
    )

    @OptionGroup var folder: DataFolderOptions

    @Argument(help: "A .csv or .jsonl file, or a .json STIX 2.1 bundle.")
    var file: String

    @Flag(help: "Print JSON.")
    var json = false

    /// Indicators submitted at a time (STIX bundles; files go through ``Member/importFile(at:format:shownName:now:progress:)``
    /// in chunks of the same size): each chunk is committed under its own signed checkpoint.
    static let chunkSize = Member.importChunkSize

    func run() async throws {
        if URL(fileURLWithPath: file).pathExtension.lowercased() == "json" { return try await importSTIX() }
        let started = ContinuousClock.now
        let (imported, throughNode) = try await folder.withNodeOrStore { member in
            let throughNode = member is NodeClient
            var checking: ProgressLine? = ProgressLine("checking", unit: "lines", total: nil)
            var appending: ProgressLine?
            var shown = 0
            defer {
                checking?.finish(done: shown)
                appending?.finish(done: shown)
            }
            let imported = try await member.importFile(at: file) { state in
                switch state {
                case .checking(let lines, let bytesRead, let fileSize):
                    shown = lines
                    checking?.update(done: lines, part: (bytesRead, of: fileSize))
                case .appending(let committed, let total):
                    if let line = checking {
                        line.finish(done: shown)
                        checking = nil
                        appending = ProgressLine(
                            throughNode ? "importing (node)" : "importing",
                            unit: "indicators",
                            total: total
                        )
                    }
                    shown = committed
                    appending?.update(done: committed)
                }
            }
            shown = imported.indicators
            return (imported, throughNode)
        }
        let total = imported.indicators
        let outcome = imported.outcome
        if throughNode {
            Output.note("sent \(total) indicators to the running node in one request")
        }
        let seconds = (ContinuousClock.now - started) / .seconds(1)
        Output.note(
            String(format: "import took %.1f s (%.0f indicators/s)", seconds, Double(total) / max(seconds, 0.001))
        )
        if json { return try Output.json(APIDocument.Outcome(outcome)) }
        Output.line(
            "imported \(total) lines from \(file): \(outcome.appended) appended, \(outcome.unchanged) unchanged "
                + "(log size \(outcome.logSize))"
        )
    }

    /// Submits the chunks `next` hands out, until an empty one, each under its own checkpoint (through a running node,
    /// in requests of at most ``APILimits/maximumBatch``), and adds up what they appended; `committed` is told how
    /// many of the `total` indicators are committed so far. Returns the outcome and the requests made.
    /// - Throws: What a chunk's submission throws; once some indicators are committed (or the node went away), an
    ///   error that says which are kept and how to go on.
    func submitInChunks(
        to member: any MemberAccess,
        total: Int,
        next: () throws -> [Submission],
        committed: (Int) -> Void
    ) async throws -> (outcome: SubmissionOutcome, requests: Int) {
        let throughNode = member is NodeClient
        var outcome = SubmissionOutcome(appended: 0, unchanged: 0, logSize: 0)
        var requests = 0
        // Indicators of the chunks committed, and of the current chunk's requests answered.
        var sent = 0
        var kept = 0
        do {
            while case let chunk = try next(), !chunk.isEmpty {
                let part = try await member.submit(chunk) { sentOfChunk in
                    requests += 1
                    kept = sent + sentOfChunk
                    committed(kept)
                }
                sent += chunk.count
                kept = sent
                outcome.appended += part.appended
                outcome.unchanged += part.unchanged
                outcome.logSize = part.logSize
            }
            // Nothing to submit: the log's size is still worth reporting.
            if total == 0 { outcome = try await member.submit([]) }
            return (outcome, requests)
        } catch let error as HallmarkError where kept > 0 || (throughNode && error.code == .peerProblem) {
            throw keptSoFar(error, sent: kept, of: total, throughNode: throughNode)
        }
    }

    /// `error`, which stopped the import after `sent` of `total` indicators were committed, saying what is kept and
    /// how to go on.
    private func keptSoFar(_ error: HallmarkError, sent: Int, of total: Int, throughNode: Bool) -> HallmarkError {
        let kept = Member.keptSoFar(sent, of: total)
        if throughNode, error.code == .peerProblem {
            // The node went away mid-import (stopped, restarted).
            return HallmarkError(
                .peerProblem,
                "the running node stopped answering during the import: \(kept). The node said: \(error.message)",
                location: file
            )
        }
        return HallmarkError(error.code, "\(error.message) (\(kept))", location: error.location ?? file)
    }
}
