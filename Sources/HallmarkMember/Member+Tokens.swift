import Crypto
import Foundation
import HallmarkCore
import HallmarkRecords
import HallmarkStore
import Logging

extension Member {
    /// The prefix of every API token secret, so that a leaked one is recognizable (by secret scanners too).
    public static let apiTokenPrefix = "hm_"
    /// The length of an API token secret: the prefix and 256 bits in unpadded base64url.
    static let apiTokenLength = apiTokenPrefix.utf8.count + 43

    /// Creates an API token with 256 random bits of secret; the store keeps only the secret's SHA-256 hash.
    /// - Parameters:
    ///   - name: The token's name (letters, digits, `.`, `_`, `-`), unique in this node's store.
    ///   - access: What it may do.
    /// - Returns: The token and its secret, which is not recoverable afterwards.
    /// - Throws: ``HallmarkError`` `invalid-value` for a bad name, `not-permitted` when the name is taken.
    @discardableResult
    public func createAPIToken(name: String, access: APIToken.Access) async throws -> CreatedAPIToken {
        var generator = SystemRandomNumberGenerator()
        let random = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let encoded = Data(random).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        let secret = Self.apiTokenPrefix + encoded
        let token = try await store.createAPIToken(name: name, access: access, hash: Self.apiTokenHash(secret))
        logger.info("API token created", metadata: ["token.name": "\(name)", "token.access": "\(access)"])
        return CreatedAPIToken(token: token, secret: secret)
    }

    /// Every API token of this node, valid and revoked, oldest first (never their secrets).
    public func apiTokens() async throws -> [APIToken] {
        try await store.apiTokens()
    }

    /// Revokes the API token named `name`; a running node refuses it from its next request on.
    /// - Returns: The token as stored afterwards.
    /// - Throws: ``HallmarkError`` `not-found` when no token has that name.
    @discardableResult
    public func revokeAPIToken(named name: String) async throws -> APIToken {
        try await store.revokeAPIToken(named: name)
    }

    /// The valid token whose secret `presented` is, looked up in the store at each call.
    /// - Returns: `nil` when `presented` is not a token secret of this node, or its token is revoked.
    public func apiToken(presented: String) async throws -> APIToken? {
        guard presented.utf8.count == Self.apiTokenLength, presented.hasPrefix(Self.apiTokenPrefix) else { return nil }
        return try await store.validAPIToken(hash: Self.apiTokenHash(presented))
    }

    private static func apiTokenHash(_ secret: String) -> Hash256 {
        Hash256(SHA256.hash(data: Data(secret.utf8)))
    }

    /// The number of API tokens not revoked: a listener beyond loopback needs at least one.
    public func validAPITokenCount() async throws -> Int {
        try await store.validAPITokenCount()
    }
}
