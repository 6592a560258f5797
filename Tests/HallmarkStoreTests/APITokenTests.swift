import Foundation
import HallmarkCore
import HallmarkRecords
import HallmarkStore
import Testing

@Suite("API tokens in the store")
struct APITokenTests {
    @Test("a token is stored by its hash, found only by that hash while valid, and keeps its name when revoked")
    func lifecycle() async throws {
        let (store, folder) = try temporaryStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try await store.validAPITokenCount() == 0)

        let created = Timestamp(millisecondsSince1970: 1_000)
        let token = try await store.createAPIToken(name: "ci", access: .read, hash: digest(1), at: created)
        #expect(token == APIToken(name: "ci", access: .read, createdAt: created))
        try await store.createAPIToken(name: "ops.write", access: .write, hash: digest(2))
        #expect(try await store.validAPITokenCount() == 2)
        #expect(try await store.validAPIToken(hash: digest(1)) == token)
        #expect(try await store.validAPIToken(hash: digest(2))?.access == .write)
        // A hash that differs in its last word only is no match.
        var near = digest(1)
        near.w3 ^= 1
        #expect(try await store.validAPIToken(hash: near) == nil)

        let revokedAt = Timestamp(millisecondsSince1970: 5_000)
        let revoked = try await store.revokeAPIToken(named: "ci", at: revokedAt)
        #expect(revoked.revokedAt == revokedAt)
        #expect(try await store.validAPIToken(hash: digest(1)) == nil)
        #expect(try await store.validAPITokenCount() == 1)
        // Revoking again keeps the first time.
        #expect(try await store.revokeAPIToken(named: "ci", at: Timestamp(millisecondsSince1970: 9_000)) == revoked)
        #expect(try await store.apiTokens().map(\.name) == ["ci", "ops.write"])

        let reused = await #expect(throws: HallmarkError.self) {
            try await store.createAPIToken(name: "ci", access: .write, hash: digest(3))
        }
        #expect(reused?.code == .notPermitted)
        let missing = await #expect(throws: HallmarkError.self) { try await store.revokeAPIToken(named: "nobody") }
        #expect(missing?.code == .notFound)
    }

    @Test(
        "token names and access levels are validated",
        arguments: ["", "-x", ".x", "a b", "é", String(repeating: "a", count: 65)]
    )
    func badNames(_ name: String) async throws {
        let (store, folder) = try temporaryStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        let error = await #expect(throws: HallmarkError.self) {
            try await store.createAPIToken(name: name, access: .read, hash: digest(1))
        }
        #expect(error?.code == .invalidValue)
        #expect(try await store.apiTokens().isEmpty)
    }

    @Test("write permits every route, read only read routes")
    func access() throws {
        #expect(APIToken.Access.write.permits(.write))
        #expect(APIToken.Access.write.permits(.read))
        #expect(APIToken.Access.read.permits(.read))
        #expect(!APIToken.Access.read.permits(.write))
        #expect(try APIToken.Access(parsing: "read") == .read)
        let unknown = try #require(throws: HallmarkError.self) { try APIToken.Access(parsing: "admin") }
        #expect(unknown.code == .invalidValue)
        #expect(unknown.message.contains("'admin'"))
    }
}
