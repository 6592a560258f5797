import HallmarkCore

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

    /// `hallmark export filter --json`: the member filter file written.
    struct FilterWritten: Encodable {
        var file: String
        /// `full` or `delta`.
        var type: String
        var kinds: [String]
        var digests: Int
        var blocks: Int
        var bytes: Int
        /// For a delta, the blocks it replaces.
        var changedBlocks: Int?
        var created: String

        init(path: String, size: Int, _ filter: MemberFilterFile) {
            file = path
            kinds = filter.kinds.map(\.name)
            digests = filter.digestCount
            blocks = filter.blockCount
            bytes = size
            created = filter.created.iso8601
            switch filter.body {
            case .full:
                type = "full"
            case .delta(let changes):
                type = "delta"
                changedBlocks = changes.count
            }
        }
    }

    /// `hallmark audit evidence --json`: the bundle written.
    struct EvidenceWritten: Encodable {
        var file: String
        var entries: Int
        var origins: [String]
    }

    /// `hallmark audit verify --json`: every check and the verdict.
    struct EvidenceVerification: Encodable {
        struct Check: Encodable {
            var name: String
            var item: String
            var outcome: String
            var detail: String
        }
        var valid: Bool
        var alliance: String
        var checks: [Check]
    }

    /// `hallmark audit verify-store --json`: each log, and any problem found in it.
    struct StoreVerified: Encodable {
        struct Log: Encodable {
            var origin: String
            var entries: UInt64
            var checkpoints: Int
            /// The first problem found, and at which entry when known.
            var problem: String?
            var problemIndex: UInt64?
        }
        var clean: Bool
        var logs: [Log]
    }

    /// `hallmark certs init-alliance --json`.
    struct AllianceCreated: Encodable {
        var alliance: String
        var caCertificate: String
        var caFingerprint: String
        var caKey: String
        var allianceKey: String
        var allianceKeyId: String
    }

    /// `hallmark certs issue-member --json`.
    struct MemberIssued: Encodable {
        var member: String
        var name: String
        var certificate: String
        var fingerprint: String
        var key: String
        var expires: String
    }

    /// `hallmark certs revoke --json`.
    struct MemberRevoked: Encodable {
        var member: String
        var serial: String
        var time: String
        var reason: String
        var replaced: Bool
        var listNumber: String
        var nextUpdate: String
        var file: String
    }

    /// `hallmark certs install-revocations --json`.
    struct RevocationsInstalled: Encodable {
        var listNumber: String
        var revoked: Int
    }
}
