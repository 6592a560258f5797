import ArgumentParser
import HallmarkCore
import HallmarkMember

/// `hallmark import`: assert every indicator of a CSV or JSON Lines file under one checkpoint.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Assert the indicators of a CSV (kind,value[,confidence,reason,expires,note]) or JSON Lines file.",
        discussion:
            "The file is validated whole first: a bad line rejects it, with its line number, and nothing is imported."
    )

    @OptionGroup var store: StoreOptions

    @Argument(help: "A .csv or .jsonl file.")
    var file: String

    func run() async throws {
        let progress = ProgressBar(label: "reading ")
        let submissions = try IndicatorFile.read(path: file, now: .now()) { done, total in
            progress.update(done: done, total: total)
        }
        progress.finish()
        let outcome = try await store.withNode { try await $0.submit(submissions) }
        Output.line(
            "imported \(submissions.count) lines from \(file): \(outcome.appended) appended, \(outcome.unchanged) unchanged (log size \(outcome.logSize))"
        )
    }
}
