import ArgumentParser
import Foundation
import HallmarkClient
import HallmarkCore
import HallmarkDocuments
import HallmarkMember

/// `hallmark import`: assert every indicator of a CSV or JSON Lines file under one checkpoint.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract:
            "Assert the indicators of a CSV (kind,value[,confidence,reason,expires,note]), JSON Lines or STIX 2.1 file.",
        discussion: """
            The file is checked whole first: a bad line rejects it, with its line number, and nothing is imported. \
            Then its indicators are appended in chunks of 50 000, each under its own signed checkpoint, so memory \
            stays flat whatever the file's size; progress goes to standard error. A .json file is read as a STIX 2.1 \
            bundle (Protocol/stix.md): its indicators become this member's assertions; revoked and expired ones, \
            opinions, and patterns Hallmark does not read are left out and reported.
            """
    )

    @OptionGroup var folder: DataFolderOptions

    @Argument(help: "A .csv or .jsonl file, or a .json STIX 2.1 bundle.")
    var file: String

    @Flag(help: "Print JSON.")
    var json = false

    /// Indicators submitted at a time: each chunk is committed under its own signed checkpoint, so memory stays flat
    /// whatever the file's size. Through a running node each chunk goes in requests of at most
    /// ``APILimits/maximumBatch``.
    static let chunkSize = 50_000

    func run() async throws {
        if URL(fileURLWithPath: file).pathExtension.lowercased() == "json" { return try await importSTIX() }
        let started = ContinuousClock.now
        // Relative expiries (`30d`) count from one moment, in both readings of the file.
        let now = Timestamp.now()
        let total = try validate(now: now)
        let reader = try IndicatorFile.submissions(path: file, now: now)
        var requests = 0
        var outcome = SubmissionOutcome(appended: 0, unchanged: 0, logSize: 0)
        let throughNode = try await folder.withNodeOrStore { member in
            let throughNode = member is NodeClient
            let progress = ProgressLine(throughNode ? "sending" : "importing", unit: "indicators", total: total)
            var committed = 0
            defer { progress.finish(done: committed) }
            (outcome, requests) = try await submitInChunks(to: member, total: total) {
                try reader.next(upTo: Self.chunkSize)
            } committed: { kept in
                committed = kept
                progress.update(done: kept)
            }
            return throughNode
        }
        if throughNode {
            Output.note("sent \(total) indicators to the running node in \(requests) request(s)")
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

    /// Reads the file whole once, checking every line, before anything is submitted: a bad line rejects the file
    /// with nothing of it imported. Returns the number of indicators it holds.
    private func validate(now: Timestamp) throws -> Int {
        let reader = try IndicatorFile.submissions(path: file, now: now)
        let progress = ProgressLine("checking", unit: "lines", total: nil)
        // With no node on the folder the store applies the default quality floor: check it here too, so that a weak
        // image hash refuses the file before any chunk is appended. (A running node applies its own floor.)
        let floor =
            FileManager.default.fileExists(atPath: folder.controlSocket.path) ? 0 : ImageMatching().minimumQuality
        var count = 0
        while case let chunk = try reader.next(upTo: Self.chunkSize), !chunk.isEmpty {
            do {
                try Submission.validate(chunk, minimumQuality: floor)
            } catch let error as HallmarkError {
                // The message names the hash; a position within the chunk would mislead.
                throw HallmarkError(error.code, error.message, location: file)
            }
            count += chunk.count
            progress.update(done: reader.linesRead, part: (reader.bytesRead, of: reader.fileSize))
        }
        progress.finish(done: reader.linesRead)
        return count
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
        let kept =
            "the first \(sent) of \(total) indicators were committed and are kept; run the same import again to add "
            + "the rest (what is already stored counts as unchanged)"
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
