import Foundation
import HallmarkCore
import HallmarkEvidence
import HallmarkMember
import HallmarkPKI
import HallmarkRecords
import HallmarkStore
import HallmarkTestSupport
import SwiftASN1
import Testing
import X509

/// Bundles made by a node that received two origins' logs through a relay, checked by ``EvidenceVerifier``.
@Suite("Evidence bundles and their offline verification")
struct EvidenceVerifierTests {
    /// brand-a and brand-b assert one seller; market-c receives brand-a's log through brand-b.
    struct Alliance {
        let a: Member, b: Member, c: Member
        let folders: [URL]
        let seller: Identifier

        static func make() async throws -> Alliance {
            let folders = (0..<3).map { _ in DevelopmentAlliance.temporaryFolder("hallmark-evidence") }
            let a = try await DevelopmentAlliance.makeNode("brand-a", in: folders[0])
            let b = try await DevelopmentAlliance.makeNode("brand-b", in: folders[1])
            let c = try await DevelopmentAlliance.makeNode("market-c", in: folders[2])
            let seller = try Identifier(kind: .seller, value: "shopmart:evidence fake")
            let others = try (0..<40).map { try Identifier(kind: .seller, value: "shopmart:other \($0)") }
            // Two batches relayed one by one, so that market-c holds brand-a's checkpoints at 20 and 41.
            try await a.submit(others[..<20].map { Submission(identifier: $0) })
            try await DevelopmentAlliance.relay(logOf: a.identity.member, from: a, to: b)
            try await DevelopmentAlliance.relay(logOf: a.identity.member, from: b, to: c)
            try await a.submit(
                [Submission(identifier: seller, confidence: 85, note: "test purchase 7")]
                    + others[20...].map { Submission(identifier: $0) }
            )
            try await b.submit([Submission(identifier: seller, confidence: 60)])
            try await DevelopmentAlliance.relay(logOf: a.identity.member, from: a, to: b)
            try await DevelopmentAlliance.relay(logOf: a.identity.member, from: b, to: c)
            try await DevelopmentAlliance.relay(logOf: b.identity.member, from: b, to: c)
            return Alliance(a: a, b: b, c: c, folders: folders, seller: seller)
        }

        func remove() {
            for folder in folders { try? FileManager.default.removeItem(at: folder) }
        }
    }

    static let trust: AllianceTrust = try! AllianceTrust.load(
        caFile: DevelopmentAlliance.folder.appendingPathComponent("ca.pem")
    )

    @Test("a bundle from a relayed log verifies, says what the entries say, and survives its JSON")
    func validBundle() async throws {
        let alliance = try await Alliance.make()
        defer { alliance.remove() }
        let bundle = try await alliance.c.evidence(about: alliance.seller)
        #expect(bundle.entries.map { "\($0.origin)#\($0.index)" } == ["brand-a#20", "brand-b#0"])
        #expect(
            bundle.entries[0].hops == [
                EvidenceBundle.Hop(from: "brand-b", to: "market-c", at: bundle.entries[0].hops[0].at)
            ]
        )
        // The earliest checkpoint that covers it: the batch it was submitted in.
        #expect(bundle.entries[0].checkpoint.treeSize == 41)
        let read = try EvidenceBundle(json: try bundle.jsonData())
        #expect(read == bundle)
        let verdict = await EvidenceVerifier(trust: Self.trust).verify(read)
        #expect(verdict.isValid, "\(verdict.text)")
        // Four about the whole bundle, seven per entry, the attestation.
        #expect(verdict.checks.count == 19)
        #expect(verdict.text.contains("brand-a asserted this seller (confidence 85, reason counterfeit)"))
        #expect(verdict.text.contains("reached market-c from brand-b at"))
        #expect(verdict.text.contains("VERDICT: VALID."))
        // The node that made the entry proves it too, with no hop.
        let own = try await alliance.a.evidence(about: alliance.seller)
        #expect(own.entries.map(\.hops) == [[]])
        #expect(await EvidenceVerifier(trust: Self.trust).verify(own).isValid)
    }

    @Test("each alteration is caught and named by the check it breaks; unreadable input is refused, never crashes")
    func tampering() async throws {
        let alliance = try await Alliance.make()
        defer { alliance.remove() }
        let bundle = try await alliance.c.evidence(about: alliance.seller)
        let verifier = EvidenceVerifier(trust: Self.trust)
        let cases = try await EvidenceTampering.cases(of: bundle, producer: alliance.c)
        #expect(cases.count == 9)
        for tampered in cases {
            if let expected = tampered.expectedCheck {
                let verdict = try await verifier.verify(json: tampered.data)
                #expect(!verdict.isValid, "\(tampered.name)")
                #expect(verdict.firstFailure?.name == expected, "\(tampered.name): \(verdict.text)")
                #expect(verdict.text.contains("VERDICT: INVALID. Check '\(expected)' failed"), "\(tampered.name)")
            } else {
                let error = try await #require(throws: HallmarkError.self, "\(tampered.name)") {
                    try await verifier.verify(json: tampered.data)
                }
                #expect(error.code == .malformed, "\(tampered.name): \(error)")
                #expect(error.message.contains("not an evidence bundle"), "\(tampered.name): \(error)")
            }
        }
        let details = await cases.asyncMap { try? await verifier.verify(json: $0.data).firstFailure?.detail }
        #expect(
            details.contains {
                $0?.contains("the inclusion proof is for a tree of 40 entries, but the checkpoint covers 41") == true
            }
        )
        #expect(details.contains { $0?.contains("was not issued by the alliance CA") == true })
        #expect(details.contains { $0?.contains("differs from what the entry's bytes say in digest") == true })
    }

    @Test("a flipped bit anywhere in the file makes it unreadable or invalid, never valid")
    func bitFlipsAnywhere() async throws {
        let alliance = try await Alliance.make()
        defer { alliance.remove() }
        let json = try await alliance.c.evidence(about: alliance.seller).jsonData()
        let verifier = EvidenceVerifier(trust: Self.trust)
        // 150 positions spread over the whole file, each bit position in turn: the same on every run.
        for step in 0..<150 {
            let offset = step * json.count / 150 + step % 7
            let bit = step % 8
            let flipped = EvidenceTampering.flipping(bit: bit, ofByte: offset, in: json)
            if let verdict = try? await verifier.verify(json: flipped) {
                #expect(!verdict.isValid, "bit \(bit) of byte \(offset) flipped, still valid")
            }
        }
    }

    @Test("a checkpoint signed after its origin's revocation is invalid; one signed before is valid and marked")
    func revocation() async throws {
        let alliance = try await Alliance.make()
        defer { alliance.remove() }
        let authority = try AllianceAuthority.load(
            certificateFile: DevelopmentAlliance.folder.appendingPathComponent("ca.pem"),
            keyFile: DevelopmentAlliance.folder.appendingPathComponent("ca-key.pem")
        )
        let certificate = try Certificate(
            pemEncoded: try #require(await alliance.c.store.memberCertificatePEM(alliance.a.identity.member))
        )
        let signed = try await #require(alliance.c.store.checkpointCovering(alliance.a.identity.member, index: 20))
            .checkpoint.time
        // Dated back before the checkpoint, as for a key compromise found late.
        let early = try RevocationList(
            number: 1,
            revocations: [
                try Revocation(
                    certificate: certificate,
                    time: signed.date.addingTimeInterval(-60),
                    reason: .keyCompromise
                )
            ],
            signedBy: authority
        )
        alliance.c.useRevocationList(early)
        let verdict = await EvidenceVerifier(trust: Self.trust).verify(
            try await alliance.c.evidence(about: alliance.seller)
        )
        #expect(verdict.firstFailure?.name == EvidenceCheck.revocation, "\(verdict.text)")
        #expect(verdict.firstFailure?.detail.contains("keyCompromise") == true)

        // Revoked only after the checkpoint was signed and received: the entry stands, marked.
        let late = try RevocationList(
            number: 2,
            revocations: [
                try Revocation(
                    certificate: certificate,
                    time: Date().addingTimeInterval(2),
                    reason: .cessationOfOperation
                )
            ],
            signedBy: authority,
            issued: Date().addingTimeInterval(3)
        )
        alliance.c.useRevocationList(late)
        let marked = await EvidenceVerifier(trust: Self.trust).verify(
            try await alliance.c.evidence(about: alliance.seller)
        )
        #expect(marked.isValid, "\(marked.text)")
        #expect(marked.text.contains("revoked only later"))
    }

    @Test("a bundle checked with another alliance's CA fails the alliance-ca check")
    func anotherCA() async throws {
        let alliance = try await Alliance.make()
        defer { alliance.remove() }
        let bundle = try await alliance.c.evidence(about: alliance.seller)
        let other = try AllianceTrust(certificate: try AllianceAuthority.create(name: "Another Alliance").certificate)
        let verdict = await EvidenceVerifier(trust: other).verify(bundle)
        #expect(verdict.firstFailure?.name == EvidenceCheck.allianceCA)
        #expect(verdict.checks.first { $0.name == EvidenceCheck.producerCertificate }?.outcome == .failed)
    }

    @Test("no bundle about an identifier nobody asserted")
    func nothingToProve() async throws {
        let alliance = try await Alliance.make()
        defer { alliance.remove() }
        let error = try await #require(throws: HallmarkError.self) {
            try await alliance.c.evidence(about: try Identifier(kind: .sku, value: "NEVER-SEEN"))
        }
        #expect(error.code == .notFound)
        #expect(error.message.contains("there is nothing to prove"), "\(error)")
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
