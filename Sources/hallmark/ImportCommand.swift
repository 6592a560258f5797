import ArgumentParser
import HallmarkClient
import HallmarkCore
import HallmarkDocuments
import HallmarkMember

/// `hallmark import`: assert every indicator of a CSV or JSON Lines file under one checkpoint.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Assert the indicators of a CSV (kind,value[,confidence,reason,expires,note]) or JSON Lines file.",
        discussion:
            "The file is validated whole first: a bad line rejects it, with its line number, and nothing is imported."
    )

    @OptionGroup var folder: DataFolderOptions

    @Argument(help: "A .csv or .jsonl file.")
    var file: String

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        let progress = ProgressBar(label: "reading ")
        let submissions = try IndicatorFile.read(path: file, now: .now()) { done, total in
            progress.update(done: done, total: total)
        }
        progress.finish()
        // Through a running node the indicators go in several requests: show them going.
        let sending = ProgressBar(label: "sending ")
        var requests = 0
        var kept = 0
        let (outcome, throughNode) = try await folder.withNodeOrStore { member in
            let throughNode = member is NodeClient
            do {
                let outcome = try await member.submit(submissions) { sent in
                    requests += 1
                    kept = sent
                    if throughNode { sending.update(done: sent, total: submissions.count) }
                }
                if throughNode { sending.finish() }
                return (outcome, throughNode)
            } catch let error as HallmarkError where throughNode && error.code == .peerProblem {
                // The node went away mid-import (stopped, restarted): say what is kept and how to go on.
                sending.finish()
                throw HallmarkError(
                    .peerProblem,
                    "the running node stopped answering during the import: the first \(kept) of \(submissions.count) "
                        + "indicators were appended in \(requests) request(s) and are kept; run the same import again "
                        + "to add the rest (what is already stored counts as unchanged). The node said: \(error.message)",
                    location: file
                )
            }
        }
        if throughNode {
            Output.note("sent \(submissions.count) indicators to the running node in \(requests) request(s)")
        }
        if json { return try Output.json(APIDocument.Outcome(outcome)) }
        Output.line(
            "imported \(submissions.count) lines from \(file): \(outcome.appended) appended, \(outcome.unchanged) unchanged (log size \(outcome.logSize))"
        )
    }
}
