import Foundation
import HallmarkCore
import HallmarkMember
import HallmarkRecords
import HallmarkStore
import Logging

/// The repository and its development alliance (`Certificates/dev`), for tests.
public enum DevelopmentAlliance {
    /// The folder holding `Package.swift`, found by walking up from this file.
    public static let repositoryRoot: URL = {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
            precondition(url.path != "/", "no Package.swift above \(#filePath)")
            url.deleteLastPathComponent()
        }
        return url
    }()

    /// `Certificates/dev`.
    public static let folder = repositoryRoot.appendingPathComponent("Certificates/dev")

    /// A development member's certificate file.
    public static func certificate(_ member: String) -> URL {
        folder.appendingPathComponent("\(member)/member.pem")
    }

    /// A fresh temporary folder whose name starts with `prefix`.
    public static func temporaryFolder(_ prefix: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
    }

    /// Creates a node for development member `member` (brand-a, brand-b or market-c) in `dataDirectory`.
    public static func makeNode(_ member: String, in dataDirectory: URL) async throws -> Member {
        try await Member.initialize(
            dataDirectory: dataDirectory,
            memberCertificate: certificate(member),
            memberKey: folder.appendingPathComponent("\(member)/member-key.pem"),
            allianceCA: folder.appendingPathComponent("ca.pem"),
            allianceKey: folder.appendingPathComponent("alliance.key"),
            logger: Logger(label: "test")
        )
    }

    /// Hands `receiver` what it lacks of `origin`'s log as `source` holds it, verified as a received batch
    /// (what federation will do over the network).
    @discardableResult
    public static func relay(
        logOf origin: MemberID,
        from source: Member,
        to receiver: Member
    ) async throws -> AppendOutcome? {
        let have = try await receiver.store.logHead(of: origin)?.treeSize ?? 0
        guard let batch = try await source.store.batch(of: origin, from: have, receivedFrom: source.identity.member),
            let pem = try await source.store.memberCertificatePEM(origin)
        else { return nil }
        return try await receiver.receive(batch, originCertificatePEM: pem)
    }
}
