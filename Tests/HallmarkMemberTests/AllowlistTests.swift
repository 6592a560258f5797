import Foundation
import HallmarkCore
import HallmarkDocuments
import HallmarkMember
import HallmarkRecords
import HallmarkStore
import HallmarkTestSupport
import Testing

@Suite("Member allowlist: a member's own partners are never blocked, and never shared")
struct AllowlistTests {
    @Test("an allowlisted identifier answers allowlisted, with the assertions still shown")
    func allowlistedVerdict() async throws {
        let brandB = try await NodeFixture.make("brand-b")
        let brandA = try await NodeFixture.make("brand-a")
        defer {
            brandB.remove()
            brandA.remove()
        }
        let partner = try Identifier(kind: .seller, value: "shopmart:Official Reseller")
        let unknown = try Identifier(kind: .sku, value: "A-PARTNER-SKU")
        try await brandB.node.submit([Submission(identifier: partner, note: "looks fake")])
        try await brandA.receive(logOf: brandB.node.identity.member, from: brandB.node)
        #expect(try await brandA.node.check(partner).status == .listed)

        #expect(
            try await brandA.node.allow([
                AllowlistItem(identifier: partner, note: "our reseller"), AllowlistItem(identifier: unknown),
            ]) == 2
        )
        let verdicts = try await brandA.node.check([partner, unknown])
        #expect(verdicts.map(\.status) == [.allowlisted, .allowlisted])
        #expect(verdicts[0].origins.map(\.origin) == [brandB.node.identity.member])
        #expect(!verdicts[0].isListed)
        #expect(APIDocument.VerdictBody(verdicts[0]).status == "allowlisted")
        #expect(APIDocument.VerdictBody(verdicts[0]).origins.count == 1)
        #expect(try await brandA.node.allowlist().map(\.value) == [partner.normalized, unknown.normalized])

        // Kept across a restart; never in the member's own log, so no peer ever receives it.
        let reopened = try await brandA.reopened()
        #expect(try await reopened.check(partner).status == .allowlisted)
        #expect(try await reopened.store.logHead(of: reopened.identity.member) == nil)
        #expect(
            try await DevelopmentAlliance.relay(logOf: reopened.identity.member, from: reopened, to: brandB.node) == nil
        )

        #expect(try await reopened.disallow(partner))
        #expect(try await !reopened.disallow(partner))
        #expect(try await reopened.check(partner).status == .listed)
    }

    @Test("an allowlist file: CSV and JSON Lines with kind, value, note; a bad line is named")
    func allowlistFile() throws {
        let csv = "kind,value,note\nseller,ShopMart:Partner,reseller\nsku,LV-M40990,\n"
        let items = try IndicatorFile.parseAllowlist(Array(csv.utf8), format: .csv, fileName: "partners.csv")
        #expect(items.map(\.identifier.normalized) == ["shopmart:partner", "lvm40990"])
        #expect(items.map(\.note) == ["reseller", ""])
        let jsonl = #"{"kind": "url", "value": "https://Shop.Example/p", "note": "our shop"}"# + "\n"
        let json = try IndicatorFile.parseAllowlist(Array(jsonl.utf8), format: .jsonLines, fileName: "partners.jsonl")
        #expect(json.first?.identifier.normalized == "https://shop.example/p")

        let cases: [(String, IndicatorFile.Format, String, HallmarkError.Code, String)] = [
            ("kind,value,confidence\nsku,A,90\n", .csv, "partners.csv:1", .invalidValue, "unknown column 'confidence'"),
            ("kind,value\nsku,A\nbogus,B\n", .csv, "partners.csv:3", .unknownKind, "unknown indicator kind 'bogus'"),
            (
                #"{"kind": "sku", "value": "A", "reason": "x"}"# + "\n", .jsonLines, "partners.csv:1", .invalidValue,
                "unknown field 'reason'"
            ),
            (
                "kind,value,note\nsku,A,\(String(repeating: "n", count: 1_025))\n", .csv, "partners.csv:2",
                .invalidValue, "is 1025 bytes, the limit is 1024"
            ),
        ]
        for (text, format, location, code, fragment) in cases {
            let error = try #require(throws: HallmarkError.self) {
                try IndicatorFile.parseAllowlist(Array(text.utf8), format: format, fileName: "partners.csv")
            }
            #expect(error.code == code, "\(error)")
            #expect(error.location == location, "\(error)")
            #expect(error.message.contains(fragment), "\(error)")
        }
    }
}
