import ArgumentParser
import HallmarkCore
import HallmarkDocuments
import HallmarkMember
import HallmarkRecords

/// `hallmark allowlist`: this member's own authorized sellers and resellers, kept locally and never shared.
struct AllowlistCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "allowlist",
        abstract: "Keep this member's authorized sellers and resellers: a check of one answers 'allowlisted'.",
        discussion: """
            The allowlist stays in this node's store: it is in no log and never reaches a peer. A check of an
            allowlisted identifier answers 'allowlisted' (exit status 1, as for one not listed: do not block it),
            still showing any member's assertions of it.
            """,
        subcommands: [Add.self, Remove.self, List.self, Import.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Allowlist an identifier (or change its note)."
        )

        @OptionGroup var folder: DataFolderOptions

        @OptionGroup var indicator: IdentifierArguments

        @Option(help: "Why it is allowlisted (kept locally).")
        var note: String = ""

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            let identifier = try indicator.identifier()
            let added = try await folder.withStore {
                try await $0.allow([AllowlistItem(identifier: identifier, note: note)])
            }
            if json { return try Output.json(CommandDocuments.Allowlisted(added: added, unchanged: 1 - added)) }
            Output.line(
                "\(added == 1 ? "allowlisted" : "already allowlisted (note updated)") \(identifier.kind) '\(identifier.normalized)'"
            )
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove",
            abstract: "Take an identifier off the allowlist."
        )

        @OptionGroup var folder: DataFolderOptions

        @OptionGroup var indicator: IdentifierArguments

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            let identifier = try indicator.identifier()
            guard try await folder.withStore({ try await $0.disallow(identifier) }) else {
                throw HallmarkError(
                    .notFound,
                    "\(identifier.kind) '\(identifier.normalized)' is not on the allowlist"
                )
            }
            if json {
                return try Output.json(
                    CommandDocuments.Removed(kind: identifier.kind.name, value: identifier.normalized)
                )
            }
            Output.line("removed \(identifier.kind) '\(identifier.normalized)' from the allowlist")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "Show the allowlist."
        )

        @OptionGroup var folder: DataFolderOptions

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            let entries = try await folder.withStore { try await $0.allowlist() }
            if json {
                try Output.json(entries.map(APIDocument.AllowlistEntryBody.init))
                return
            }
            if entries.isEmpty { Output.line("the allowlist is empty") }
            for entry in entries {
                var line = "\(entry.kind) '\(entry.value)'  added \(entry.added.iso8601)"
                if !entry.note.isEmpty { line += "  note: \(entry.note)" }
                Output.line(line)
            }
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Allowlist the identifiers of a CSV (kind,value[,note]) or JSON Lines file.",
            discussion:
                "The file is validated whole first: a bad line rejects it, with its line number, and nothing is added."
        )

        @OptionGroup var folder: DataFolderOptions

        @Argument(help: "A .csv or .jsonl file.")
        var file: String

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            let items = try IndicatorFile.readAllowlist(path: file)
            let added = try await folder.withStore { try await $0.allow(items) }
            if json {
                return try Output.json(CommandDocuments.Allowlisted(added: added, unchanged: items.count - added))
            }
            Output.line(
                "allowlisted \(items.count) lines from \(file): \(added) new, \(items.count - added) already there"
            )
        }
    }
}
