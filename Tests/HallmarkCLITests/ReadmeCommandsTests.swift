import Foundation
import HallmarkTestSupport
import Testing

/// README's command list (the `sh` block under "The command line") and `hallmark --help` agree: every command the
/// binary has is listed, and every option the list shows is one the command takes.
@Suite("README's command list matches --help")
struct ReadmeCommandsTests {
    /// One listed command: its subcommand path and the options its line shows.
    struct Listed: CustomStringConvertible {
        var path: [String]
        var options: Set<String>
        var description: String { (["hallmark"] + path).joined(separator: " ") }
    }

    /// The lines of README's command block, each command with the options of its continuation lines.
    static func listed() throws -> [Listed] {
        let readme = try String(
            contentsOf: DevelopmentAlliance.repositoryRoot.appendingPathComponent("README.md"),
            encoding: .utf8
        )
        let section = try #require(readme.range(of: "## The command line"))
        let block = try #require(readme[section.upperBound...].range(of: "```sh\n"))
        let end = try #require(readme[block.upperBound...].range(of: "```"))
        var commands: [Listed] = []
        for line in readme[block.upperBound..<end.lowerBound].split(separator: "\n") {
            let code = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let words = code.split(separator: " ").map(String.init)
            let options = Set(
                words.compactMap { word -> String? in
                    let trimmed = word.trimmingCharacters(in: CharacterSet(charactersIn: "[]."))
                    return trimmed.hasPrefix("--") ? String(trimmed.prefix { $0 != "=" }) : nil
                }
            )
            if words.first == "hallmark" {
                let path = words.dropFirst().prefix { $0.first?.isLowercase == true && !$0.hasPrefix("-") }
                commands.append(Listed(path: Array(path), options: options))
            } else if !commands.isEmpty {
                // A continuation line: more options of the command above.
                commands[commands.count - 1].options.formUnion(options)
            }
        }
        return commands
    }

    /// The subcommands `hallmark PATH --help` lists.
    static func subcommands(of path: [String], cli: CommandRunner) async throws -> [String] {
        let help = try await cli.succeed(path + ["--help"]).stdout
        guard let start = help.range(of: "SUBCOMMANDS:\n") else { return [] }
        // Until the blank line before "See 'hallmark help …'"; descriptions wrap with a deeper indent.
        let list = help[start.upperBound...].split(separator: "\n\n", maxSplits: 1).first ?? ""
        return list.split(separator: "\n").compactMap { line in
            guard line.hasPrefix("  "), !line.hasPrefix("   "), let name = line.split(separator: " ").first else {
                return nil
            }
            return String(name)
        }
    }

    @Test("every command of the binary is in README's list, and every option listed is one it takes")
    func agree() async throws {
        let cli = try CommandRunner()
        defer { cli.remove() }
        let listed = try Self.listed()
        #expect(listed.count >= 30, "\(listed)")
        // Each option shown in README is in the command's --help.
        for command in listed {
            var help =
                try await cli.succeed(command.path + ["--help"]).stdout + (command.path.isEmpty ? "--version" : "")
            // A group run bare runs its default subcommand (`audit` is `audit show`): its options count.
            if let line = help.split(separator: "\n").first(where: { $0.contains(" (default)") }),
                let name = line.split(separator: " ").first
            {
                help += try await cli.succeed(command.path + [String(name), "--help"]).stdout
            }
            for option in command.options.sorted() {
                #expect(help.contains(option), "README shows \(option) for '\(command)', which --help does not list")
            }
        }
        // Each command and subcommand --help lists is in README (a group's default subcommand may be listed bare).
        let paths = Set(listed.map { $0.path.joined(separator: " ") })
        for top in try await Self.subcommands(of: [], cli: cli) {
            let nested = try await Self.subcommands(of: [top], cli: cli)
            if nested.isEmpty {
                #expect(paths.contains(top), "hallmark \(top) is not in README's command list")
            }
            for sub in nested {
                let listedHere = paths.contains("\(top) \(sub)") || (paths.contains(top) && sub == "show")
                #expect(listedHere, "hallmark \(top) \(sub) is not in README's command list")
            }
        }
    }

    @Test("the shell completion scripts README shows are generated for bash, zsh and fish")
    func completions() async throws {
        let cli = try CommandRunner()
        defer { cli.remove() }
        let readme = try String(
            contentsOf: DevelopmentAlliance.repositoryRoot.appendingPathComponent("README.md"),
            encoding: .utf8
        )
        for shell in ["bash", "zsh", "fish"] {
            #expect(readme.contains("hallmark --generate-completion-script \(shell) "))
            let script = try await cli.succeed(["--generate-completion-script", shell]).stdout
            #expect(script.contains("allowlist") && script.contains("verify-store"), "\(shell): \(script.prefix(200))")
        }
    }
}
