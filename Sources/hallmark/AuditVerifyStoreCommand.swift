import ArgumentParser
import HallmarkCore
import HallmarkMember

/// `hallmark audit verify-store`: recomputes every stored log and checks every checkpoint.
struct AuditVerifyStoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-store",
        abstract: "Recompute every origin's log from the stored entry bytes and check every stored checkpoint.",
        discussion: """
            Checks each entry's bytes against its recorded leaf hash, each checkpoint's root against the tree \
            recomputed from the entries and its signature against the origin's certificate, and each log head; \
            reports the first problem per origin with its log index. Safe against a running node (it only reads). \
            Exit status 0 when every log verifies, 1 when one does not, 2 on error.
            """
    )

    @OptionGroup var folder: DataFolderOptions

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        let result = try await folder.withStore { try await $0.verifyStore() }
        if json {
            try Output.json(
                CommandDocuments.StoreVerified(
                    clean: result.isClean,
                    logs: result.logs.map {
                        .init(
                            origin: $0.origin.rawValue,
                            entries: $0.entries,
                            checkpoints: $0.checkpoints,
                            problem: $0.problem?.message,
                            problemIndex: $0.problem?.index
                        )
                    }
                )
            )
            if !result.isClean { throw ExitCode(1) }
            return
        }
        for log in result.logs {
            let summary = "\(log.origin): \(log.entries) entries, \(log.checkpoints) checkpoints"
            if let problem = log.problem {
                let at = problem.index.map { " at entry \($0)" } ?? ""
                Output.line("\(summary) checked: PROBLEM\(at): \(problem.message)")
            } else {
                Output.line("\(summary): verified")
            }
        }
        if result.logs.isEmpty { Output.line("the store holds no logs") }
        if !result.isClean { throw ExitCode(1) }
    }
}
