import ArgumentParser
import HallmarkCore
import HallmarkMember
import HallmarkRecords

/// `hallmark tokens`: the bearer tokens of the node's HTTP API.
struct TokensCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokens",
        abstract: "Create, list and revoke the bearer tokens of the node's HTTP API.",
        discussion: """
            The API needs a token on every route but /healthz and /readyz when it listens beyond loopback. A read \
            token may check, audit and read status; a write token may also submit, retract and dispute. Only a \
            hash of each secret is kept; a running node sees a new or revoked token at its next request.
            """,
        subcommands: [Create.self, List.self, Revoke.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a token and print its secret on standard output, this once.",
            discussion: "The secret cannot be shown again: store it where its user will read it."
        )

        @OptionGroup var folder: DataFolderOptions

        @Option(help: "The token's name: letters, digits, '.', '_' or '-' (never reused).")
        var name: String

        @Option(help: ArgumentHelp("What the token may do: read or write.", valueName: "read|write"))
        var access: String

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            let access = try APIToken.Access(parsing: access)
            let created = try await folder.withStore { try await $0.createAPIToken(name: name, access: access) }
            if json {
                return try Output.json(
                    CommandDocuments.CreatedToken(name: created.token.name, access: "\(access)", secret: created.secret)
                )
            }
            Output.note("created API token '\(created.token.name)' (\(access)); its secret, shown only now:")
            Output.line(created.secret)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the tokens (never their secrets).")

        @OptionGroup var folder: DataFolderOptions

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            let tokens = try await folder.withStore { try await $0.apiTokens() }
            if json {
                try Output.json(tokens)
                return
            }
            if tokens.isEmpty { Output.line("no API tokens") }
            for token in tokens {
                let state = token.revokedAt.map { "revoked \($0.iso8601)" } ?? "valid"
                Output.line("\(token.name)  \(token.access)  created \(token.createdAt.iso8601)  \(state)")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a token: a running node refuses it from its next request on."
        )

        @OptionGroup var folder: DataFolderOptions

        @Argument(help: "The token's name.")
        var name: String

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            let token = try await folder.withStore { try await $0.revokeAPIToken(named: name) }
            if json { return try Output.json(token) }
            Output.line("revoked API token '\(token.name)' at \(token.revokedAt?.iso8601 ?? "?")")
        }
    }
}
