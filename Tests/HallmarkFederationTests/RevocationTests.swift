import Foundation
import HallmarkCore
import HallmarkFederation
import HallmarkMember
import HallmarkPKI
import HallmarkProtocol
import HallmarkRecords
import HallmarkStore
import HallmarkTestSupport
import Logging
import Testing
import X509

@Suite("Revocation in the node: the list in the identity folder, and revoked origins' checkpoints")
struct RevocationTests {
    /// What a member is handed for `member` (its certificate and key, the CA, the alliance key) copied into a
    /// temporary folder, with `revocations` as `revocations.pem` beside `ca.pem` when given.
    static func handedOut(_ member: String, revocations: String?) throws -> URL {
        let folder = DevelopmentAlliance.temporaryFolder("hallmark-handout")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let files = [
            ("ca.pem", "ca.pem"), ("alliance.key", "alliance.key"), ("\(member)/member.pem", "member.pem"),
            ("\(member)/member-key.pem", "member-key.pem"),
        ]
        for (from, to) in files {
            try FileManager.default.copyItem(
                at: DevelopmentAlliance.folder.appendingPathComponent(from),
                to: folder.appendingPathComponent(to)
            )
        }
        if let revocations {
            try revocations.write(
                to: folder.appendingPathComponent("revocations.pem"),
                atomically: true,
                encoding: .utf8
            )
        }
        return folder
    }

    static func initialize(from handout: URL, into data: URL) async throws -> Member {
        try await Member.initialize(
            dataDirectory: data,
            memberCertificate: handout.appendingPathComponent("member.pem"),
            memberKey: handout.appendingPathComponent("member-key.pem"),
            allianceCA: handout.appendingPathComponent("ca.pem"),
            allianceKey: handout.appendingPathComponent("alliance.key"),
            logger: Logger(label: "test")
        )
    }

    @Test("init installs the revocation list found beside ca.pem, and the node loads it when it opens")
    func installedAtInit() async throws {
        let list = try DevelopmentAuthority.revoking([try DevelopmentAuthority.certificate(of: "brand-b")])
        let handout = try Self.handedOut("market-c", revocations: list.pemString)
        let data = DevelopmentAlliance.temporaryFolder("hallmark-data")
        defer {
            try? FileManager.default.removeItem(at: handout)
            try? FileManager.default.removeItem(at: data)
        }
        let node = try await Self.initialize(from: handout, into: data)
        #expect(node.revocations?.number == 1)
        #expect(
            FileManager.default.fileExists(atPath: data.appendingPathComponent("identity/revocations.pem").path)
        )
        let reopened = try await Member.open(dataDirectory: data, logger: Logger(label: "test"))
        #expect(reopened.revocations?.derBytes == list.derBytes)
        #expect(try await reopened.status().revocationListNumber == 1)
    }

    @Test("a revocations.pem that does not verify is an error naming the file")
    func badListFile() async throws {
        let other = try AllianceAuthority.create(name: "Other Alliance")
        let foreign = try RevocationList(number: 1, revocations: [], signedBy: other)
        let cases: [(String, HallmarkError.Code)] = [
            ("not a list\n", .malformed), (foreign.pemString, .untrustedCredential),
        ]
        for (text, code) in cases {
            let handout = try Self.handedOut("market-c", revocations: text)
            let data = DevelopmentAlliance.temporaryFolder("hallmark-data")
            defer {
                try? FileManager.default.removeItem(at: handout)
                try? FileManager.default.removeItem(at: data)
            }
            let error = try await #require(throws: HallmarkError.self) {
                _ = try await Self.initialize(from: handout, into: data)
            }
            #expect(error.code == code, "\(error)")
            #expect(error.location?.hasSuffix("revocations.pem") == true, "\(error)")
        }
        // Installed into a data folder, and broken there afterwards: opening the node says which file.
        let handout = try Self.handedOut("market-c", revocations: nil)
        let data = DevelopmentAlliance.temporaryFolder("hallmark-data")
        defer {
            try? FileManager.default.removeItem(at: handout)
            try? FileManager.default.removeItem(at: data)
        }
        _ = try await Self.initialize(from: handout, into: data)
        try "garbage".write(
            to: data.appendingPathComponent("identity/revocations.pem"),
            atomically: true,
            encoding: .utf8
        )
        let error = try await #require(throws: HallmarkError.self) {
            _ = try await Member.open(dataDirectory: data, logger: Logger(label: "test"))
        }
        #expect(error.code == .malformed, "\(error)")
        #expect(error.location?.hasSuffix("identity/revocations.pem") == true, "\(error)")
    }

    @Test("a newer list is installed and applied at once; an older, a rival or a foreign one is refused")
    func installNewer() async throws {
        let authority = try DevelopmentAuthority.load()
        let first = try DevelopmentAuthority.revoking([])
        let second = try first.adding(
            try Revocation(
                certificate: try DevelopmentAuthority.certificate(of: "brand-b"),
                time: Date(timeIntervalSinceNow: -60),
                reason: .superseded
            ),
            signedBy: authority
        )
        let rival = try RevocationList(number: 2, revocations: [], signedBy: authority)
        let foreign = try RevocationList(
            number: 9,
            revocations: [],
            signedBy: try AllianceAuthority.create(name: "Other")
        )
        let files = DevelopmentAlliance.temporaryFolder("hallmark-lists")
        try FileManager.default.createDirectory(at: files, withIntermediateDirectories: true)
        func file(_ list: RevocationList, _ name: String) throws -> URL {
            let url = files.appendingPathComponent(name)
            try list.pemString.write(to: url, atomically: true, encoding: .utf8)
            return url
        }
        let node = try await ServingNode.start("market-c")
        defer {
            Task { await node.stop() }
            try? FileManager.default.removeItem(at: files)
        }
        #expect(node.member.revocations == nil)
        try node.member.installRevocationList(from: try file(first, "first.pem"))
        #expect(node.member.revocations?.number == 1)
        try node.member.installRevocationList(from: try file(second, "second.pem"))
        #expect(node.member.revocations?.number == 2)
        try node.member.installRevocationList(from: try file(second, "again.pem"))

        let older = #expect(throws: HallmarkError.self) {
            try node.member.installRevocationList(from: try file(first, "older.pem"))
        }
        #expect(older?.code == .notPermitted)
        #expect(older?.location?.hasSuffix("older.pem") == true)
        let sameNumber = #expect(throws: HallmarkError.self) {
            try node.member.installRevocationList(from: try file(rival, "rival.pem"))
        }
        #expect(sameNumber?.code == .notPermitted)
        #expect(sameNumber?.location?.hasSuffix("rival.pem") == true)
        let alien = #expect(throws: HallmarkError.self) {
            try node.member.installRevocationList(from: try file(foreign, "foreign.pem"))
        }
        #expect(alien?.code == .untrustedCredential)
        #expect(node.member.revocations?.derBytes == second.derBytes)
        let reopened = try await NodeIdentity.load(installedIn: node.folder)
        #expect(reopened.revocations?.derBytes == second.derBytes)
        // In memory, too, a node never goes back.
        #expect(!node.member.useRevocationList(first))
    }

    @Test("a revoked origin's log stops growing at the revocation; what the node held stays listed and auditable")
    func revokedOrigin() async throws {
        let a = try await ServingNode.start("brand-a")
        let b = try await ServingNode.start("brand-b")
        let c = try await ServingNode.start("market-c")
        defer {
            Task {
                await a.stop()
                await b.stop()
                await c.stop()
            }
        }
        let before = try Identifier(kind: .seller, value: "shopmart:before")
        let after = try Identifier(kind: .seller, value: "shopmart:after")
        try await a.member.submit([Submission(identifier: before)])
        _ = try await b.sync(from: a)
        _ = try await c.sync(from: b)
        #expect(try await c.member.check(before).isListed)

        // Revoked from the next whole second on, after the checkpoint C holds.
        try await Task.sleep(for: .milliseconds(1_100))
        let authority = try DevelopmentAuthority.load()
        let list = try RevocationList(
            number: 1,
            revocations: [
                try Revocation(
                    certificate: try DevelopmentAuthority.certificate(of: "brand-a"),
                    time: Date(),
                    reason: .keyCompromise
                )
            ],
            signedBy: authority
        )
        try await a.member.submit([Submission(identifier: after)])
        try await b.member.submit([Submission(identifier: try Identifier(kind: .sku, value: "B-1"))])
        _ = try await b.sync(from: a)  // B has no list: it relays A's new checkpoint.
        c.member.useRevocationList(list)

        let report = try await c.sync(from: b)
        let rejection = try #require(report.rejected.first, "nothing rejected: \(report)")
        #expect(rejection.origin == "brand-a")
        #expect(rejection.code == .untrustedCredential)
        #expect(rejection.reason.contains("was revoked as of"))
        #expect(rejection.reason.contains("keyCompromise"))
        #expect(report.fetched[b.id] == 1)
        #expect(try await c.member.store.logHead(of: a.id)?.treeSize == 1)
        // The peer's status: the rejection, and the entry of A that B offers and C lacks.
        let status = try #require(c.member.peerSyncs.status(of: b.id))
        #expect(status.outcome == .rejected)
        #expect(status.detail?.hasPrefix("brand-a: ") == true)
        #expect(status.entriesFetched == 1)
        #expect(status.lagByOrigin == [a.id: 1, b.id: 0])
        #expect(status.lagEntries == 1)
        #expect(try await !c.member.check(after).isListed)
        // Earlier entries stay, and still verify.
        #expect(try await c.member.check(before).isListed)
        #expect(try await c.member.audit(before).allVerified)
        // A peer showing only the checkpoint C already holds, signed before the revocation, is no rejection.
        let d = try await ServingNode.start("market-c")
        defer { Task { await d.stop() } }
        #expect(try await d.sync(from: c).fetched[a.id] == 1)
        let again = try await c.sync(from: d)
        #expect(again.rejected.isEmpty, "\(again)")
    }

    @Test("a checkpoint backdated before the revocation but reaching the node after it is refused")
    func backdated() async throws {
        let a = try await ServingNode.start("brand-a")
        let relay = try await ServingNode.start("brand-b")
        let c = try await ServingNode.start("market-c")
        try await a.member.submit([Submission(identifier: try Identifier(kind: .seller, value: "shopmart:1"))])
        _ = try await relay.sync(from: a)
        let list = try DevelopmentAuthority.revoking([try DevelopmentAuthority.certificate(of: "brand-a")])
        let revokedAt = try #require(list.revocations.first?.time)

        // Whoever holds brand-a's key re-signs its checkpoint with a time before the revocation.
        let key = try MemberCredentials.load(
            certificateFile: DevelopmentAlliance.certificate("brand-a"),
            keyFile: DevelopmentAlliance.folder.appendingPathComponent("brand-a/member-key.pem")
        ).privateKey
        let real = try #require(try await relay.member.store.latestCheckpoint(of: a.id))
        let backdated = try Checkpoint.sign(
            origin: real.origin,
            treeSize: real.treeSize,
            rootHash: real.rootHash,
            time: Timestamp(revokedAt.addingTimeInterval(-3_600)),
            using: key
        )
        let bytes = Data(backdated.encoded())
        var tampering = MaliciousPeer.Tampering(origin: a.id)
        tampering.head = { $0.checkpoint = bytes }
        tampering.chunk = { $0.checkpoint = bytes }
        let peer = try await MaliciousPeer.start(serving: relay.member, as: "brand-b", tampering: tampering)
        defer {
            Task {
                await peer.stop()
                await a.stop()
                await relay.stop()
                await c.stop()
            }
        }

        // Without the list, the backdated checkpoint is a valid one...
        let unaware = try await ServingNode.start("market-c")
        defer { Task { await unaware.stop() } }
        #expect(try await unaware.sync(from: peer.address).fetched[a.id] == 1)
        // ...with it, it arrives after the revocation and is refused, whatever time it claims.
        c.member.useRevocationList(list)
        let report = try await c.sync(from: peer.address)
        #expect(report.rejected.first?.code == .untrustedCredential)
        #expect(report.rejected.first?.reason.contains("reached this node at") == true)
        #expect(try await c.member.store.logHead(of: a.id) == nil)
    }
}
