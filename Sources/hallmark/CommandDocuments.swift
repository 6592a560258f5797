/// What `--json` prints for the commands whose answer has no API document of its own (snake_case keys, as every
/// document the command line prints).
enum CommandDocuments {
    /// `hallmark init --json`.
    struct Initialized: Encodable {
        var member: String
        var data: String
        var allianceKey: String
    }

    /// `hallmark tokens create --json`: the secret is shown this once.
    struct CreatedToken: Encodable {
        var name: String
        var access: String
        var secret: String
    }

    /// `hallmark allowlist add --json` and `allowlist import --json`.
    struct Allowlisted: Encodable {
        /// Identifiers newly allowlisted.
        var added: Int
        /// Identifiers already there (their notes updated).
        var unchanged: Int
    }

    /// `hallmark allowlist remove --json`.
    struct Removed: Encodable {
        var kind: String
        var value: String
    }
}
