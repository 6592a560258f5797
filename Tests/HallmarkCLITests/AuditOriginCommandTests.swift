import Foundation
import HallmarkCore
import HallmarkMember
import HallmarkRecords
import HallmarkStore
import HallmarkTestSupport
import Logging
import Testing

/// `hallmark audit origin MEMBER`, run as a person would.
@Suite("audit origin on the command line")
struct AuditOriginCommandTests {
    @Test("an origin that equivocated: both checkpoints, who showed and who cosigned each, as text and as JSON")
    func equivocatedOrigin() async throws {
        let cli = try CommandRunner()
        defer { cli.remove() }
        try await cli.initialize(member: "brand-b")
        let shownToB = try await ForkedLog.make("brand-a", entries: 3, tag: "shown-to-b")
        let shownToC = try await ForkedLog.make("brand-a", entries: 2, tag: "shown-to-c")
        defer {
            shownToB.remove()
            shownToC.remove()
        }
        // market-c was shown the other fork, and cosigned it.
        let c = try await DevelopmentAlliance.makeNode("market-c", in: cli.folder.appendingPathComponent("market-c"))
        try await shownToC.show(to: c)
        let held = try await shownToB.checkpoint()
        let offered = try await shownToC.checkpoint()
        let cosignatureOfC = try #require(try await c.store.cosignatures(of: offered).first)

        let b = try await Member.open(dataDirectory: URL(fileURLWithPath: cli.data), logger: Logger(label: "test"))
        try await shownToB.show(to: b)
        // market-c relays its view: brand-a's smaller checkpoint contradicts the log B holds.
        let relayed = try #require(
            try await shownToC.node.store.batch(of: offered.origin, from: 0, receivedFrom: c.identity.member)
        )
        let pem = try #require(try await shownToC.node.store.memberCertificatePEM(offered.origin))
        let refusal = try await #require(throws: HallmarkError.self) {
            try await b.receive(relayed, originCertificatePEM: pem)
        }
        #expect(refusal.code == .equivocation)
        #expect(refusal.message.contains("brand-a equivocated"), "\(refusal)")
        let receipt = try await b.receiveCosignatures(
            [
                OfferedCosignature(
                    cosigner: cosignatureOfC.cosigner.rawValue,
                    seconds: UInt64(cosignatureOfC.cosignature.seconds),
                    signature: cosignatureOfC.cosignature.signature,
                    certificateDER: try Self.der(cosignatureOfC.certificatePEM)
                )
            ],
            of: offered,
            from: c.identity.member
        )
        #expect(receipt.kept == 1)
        try await b.close()

        let text = try await cli.succeed(["audit", "origin", "--data", cli.data, "brand-a"]).stdout
        #expect(text.contains("log           3 entries held"))
        #expect(text.contains("cosigned by   brand-b at"))
        #expect(text.contains("QUARANTINED"))
        #expect(text.contains("EQUIVOCATION  found"))
        #expect(text.contains("offered by market-c"))
        #expect(text.contains("  held        size 3, root \(held.rootHash.hex)"))
        #expect(text.contains("  offered     size 2, root \(offered.rootHash.hex)"))
        #expect(text.contains("cosigned by market-c at"))

        let json = try await cli.succeed(["audit", "origin", "--data", cli.data, "brand-a", "--json"]).stdout
        let document = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] ?? [:]
        #expect(document["origin"] as? String == "brand-a")
        #expect(document["log_size"] as? Int == 3)
        let evidence = try #require((document["equivocations"] as? [[String: Any]])?.first)
        #expect(evidence["offered_by"] as? String == "market-c")
        let heldDocument = try #require(evidence["held"] as? [String: Any])
        let offeredDocument = try #require(evidence["offered"] as? [String: Any])
        // The exact bytes of both checkpoints, which verify on their own.
        #expect(Data(base64Encoded: heldDocument["bytes"] as? String ?? "") == Data(held.encoded()))
        #expect(Data(base64Encoded: offeredDocument["bytes"] as? String ?? "") == Data(offered.encoded()))
        let offeredCosignatures = offeredDocument["cosignatures"] as? [[String: Any]] ?? []
        #expect(offeredCosignatures.map { $0["cosigner"] as? String } == ["market-c"])
        #expect((offeredCosignatures.first?["certificate_pem"] as? String)?.contains("BEGIN CERTIFICATE") == true)
        let heldCosignatures = heldDocument["cosignatures"] as? [[String: Any]] ?? []
        #expect(heldCosignatures.map { $0["cosigner"] as? String } == ["brand-b"])
    }

    @Test("an origin held without trouble, one unknown, and a member id that is not one")
    func plainUnknownAndInvalid() async throws {
        let cli = try CommandRunner()
        defer { cli.remove() }
        try await cli.initialize(member: "market-c")
        try await cli.receiveLog(
            of: "brand-b",
            asserting: [Submission(identifier: try Identifier(kind: .sku, value: "B-1"))]
        )
        let text = try await cli.succeed(["audit", "origin", "--data", cli.data, "brand-b"]).stdout
        #expect(text.contains("log           1 entries held"))
        #expect(text.contains("cosigned by   market-c at"))
        #expect(text.contains("quarantine    no"))
        #expect(text.contains("equivocation  none found"))
        #expect(text.contains("revocation    not revoked"))

        let unknown = try await cli.run(["audit", "origin", "--data", cli.data, "brand-a"])
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("holds nothing of brand-a"))
        let invalid = try await cli.run(["audit", "origin", "--data", cli.data, "Brand A"])
        #expect(invalid.status != 0)
        #expect(invalid.stderr.contains("member id"))
    }

    /// A PEM certificate's DER bytes.
    static func der(_ pem: String) throws -> [UInt8] {
        let base64 = pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        return Array(try #require(Data(base64Encoded: base64)))
    }
}
