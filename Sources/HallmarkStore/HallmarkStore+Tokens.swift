import Foundation
import GRDB
import HallmarkCore
import HallmarkRecords

extension HallmarkStore {
    /// Records a new API token under `name`, by the SHA-256 hash of its secret.
    /// - Parameters:
    ///   - name: The token's name (see ``APIToken/validate(name:)``), unique in the store, revoked tokens included.
    ///   - access: What the token may do.
    ///   - hash: SHA-256 of the secret; the secret itself is never stored.
    ///   - time: When it was created.
    /// - Returns: The token as stored.
    /// - Throws: ``HallmarkError`` `invalid-value` for a bad name, `not-permitted` when the name is taken.
    @discardableResult
    public func createAPIToken(
        name: String,
        access: APIToken.Access,
        hash: Hash256,
        at time: Timestamp = .now()
    ) async throws -> APIToken {
        try APIToken.validate(name: name)
        return try await write { db in
            if let existing = try Self.apiToken(named: name, in: db) {
                let state = existing.revokedAt.map { "revoked at \($0.iso8601)" } ?? "valid"
                throw HallmarkError(
                    .notPermitted,
                    "a token named '\(name)' already exists (\(state)); names are never reused, choose another",
                    location: name
                )
            }
            try db.execute(
                sql: "INSERT INTO api_tokens (name, hash, access, created_at) VALUES (?, ?, ?, ?)",
                arguments: [name, hash.data, access.rawValue, time.millisecondsSince1970]
            )
            return APIToken(name: name, access: access, createdAt: time)
        }
    }

    /// Every API token, valid and revoked, oldest first.
    public func apiTokens() async throws -> [APIToken] {
        try await database.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT name, access, created_at, revoked_at FROM api_tokens ORDER BY created_at, name"
            ).map(Self.apiToken(from:))
        }
    }

    /// Revokes the token named `name` from `time` on; a token already revoked keeps its first revocation time.
    /// - Returns: The token as stored afterwards.
    /// - Throws: ``HallmarkError`` `not-found` when no token has that name.
    @discardableResult
    public func revokeAPIToken(named name: String, at time: Timestamp = .now()) async throws -> APIToken {
        try await write { db in
            try db.execute(
                sql: "UPDATE api_tokens SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL",
                arguments: [time.millisecondsSince1970, name]
            )
            guard let token = try Self.apiToken(named: name, in: db) else {
                throw HallmarkError(.notFound, "no API token is named '\(name)'", location: name)
            }
            return token
        }
    }

    /// The valid (not revoked) token whose secret hashes to `hash`, if any.
    ///
    /// Read from the database on every call, so that a token created or revoked by another process (the command
    /// line beside a running node) counts at once. Every valid token's hash is compared in full, without stopping
    /// at a match, so that the time taken does not tell how much of a guess was right.
    public func validAPIToken(hash: Hash256) async throws -> APIToken? {
        try await database.read { db in
            let rows = try Row.fetchAll(
                db.cachedStatement(
                    sql: "SELECT name, hash, access, created_at, revoked_at FROM api_tokens WHERE revoked_at IS NULL"
                )
            )
            var found: Row?
            for row in rows {
                let stored = try Hash256(bytes: row.stored("hash", in: "api_tokens") as Data)
                let difference =
                    (stored.w0 ^ hash.w0) | (stored.w1 ^ hash.w1) | (stored.w2 ^ hash.w2)
                    | (stored.w3 ^ hash.w3)
                if difference == 0 { found = row }
            }
            return try found.map(Self.apiToken(from:))
        }
    }

    /// The number of valid (not revoked) API tokens.
    public func validAPITokenCount() async throws -> Int {
        try await database.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM api_tokens WHERE revoked_at IS NULL") ?? 0
        }
    }

    private static func apiToken(named name: String, in db: Database) throws -> APIToken? {
        try Row.fetchOne(
            db,
            sql: "SELECT name, access, created_at, revoked_at FROM api_tokens WHERE name = ?",
            arguments: [name]
        ).map(apiToken(from:))
    }

    private static func apiToken(from row: Row) throws -> APIToken {
        let revoked: Int64? = try row.stored("revoked_at", in: "api_tokens")
        return APIToken(
            name: try row.stored("name", in: "api_tokens"),
            access: try APIToken.Access(parsing: row.stored("access", in: "api_tokens")),
            createdAt: Timestamp(millisecondsSince1970: try row.stored("created_at", in: "api_tokens")),
            revokedAt: revoked.map { Timestamp(millisecondsSince1970: $0) }
        )
    }
}
