import Foundation
import HallmarkCore
import HallmarkFederation
import HallmarkMember
import HallmarkRecords
import Logging
import ServiceLifecycle

/// `hallmark demo`: three member nodes from the development alliance on loopback, in a line
/// brand-a — brand-b — market-c, showing an indicator travel from A to C through B with its provenance,
/// and a retraction follow it.
public enum Demo {
    /// Runs the demo, writing what happens through `say`.
    /// - Parameters:
    ///   - certificates: The development alliance folder (`Certificates/dev`).
    ///   - indicators: How many indicators brand-a submits.
    public static func run(
        certificates: URL,
        indicators: Int = 1_000,
        logger: Logger,
        say: @escaping @Sendable (String) -> Void
    ) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hallmark-demo-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let clock = ContinuousClock()
        var started = clock.now
        func elapsed() -> String {
            let duration = clock.now - started
            let (seconds, attoseconds) = duration.components
            return String(format: "%.0f ms", Double(seconds) * 1000 + Double(attoseconds) / 1e15)
        }

        say(
            "Starting three member nodes on loopback, each with its own store and mutual TLS: brand-a — brand-b — market-c"
        )
        let names = ["brand-a", "brand-b", "market-c"]
        var members: [Member] = []
        var servers: [FederationServer] = []
        for name in names {
            let member = try await Member.initialize(
                dataDirectory: folder.appendingPathComponent(name),
                memberCertificate: certificates.appendingPathComponent("\(name)/member.pem"),
                memberKey: certificates.appendingPathComponent("\(name)/member-key.pem"),
                allianceCA: certificates.appendingPathComponent("ca.pem"),
                allianceKey: certificates.appendingPathComponent("alliance.key"),
                logger: logger
            )
            members.append(member)
            servers.append(try FederationServer(member: member, host: "127.0.0.1", port: 0, logger: logger))
        }
        let (a, b, c) = (members[0], members[1], members[2])
        let group = ServiceGroup(services: servers.map { $0 as any Service }, logger: logger)
        let running = Task { try await group.run() }
        var ports: [Int] = []
        for server in servers { ports.append(try await server.port) }
        func address(_ index: Int) -> PeerAddress {
            PeerAddress(member: members[index].identity.member, host: "127.0.0.1", port: ports[index])
        }
        // The line: each node follows its neighbours.
        let links = [(0, 1), (1, 0), (1, 2), (2, 1)]
        let lock = [PullLock(), PullLock(), PullLock()]
        let syncGroup = ServiceGroup(
            services: links.map { node, peer in
                PeerSync(
                    engine: SyncEngine(member: members[node], logger: logger),
                    peer: address(peer),
                    lock: lock[node],
                    logger: logger
                ) as any Service
            },
            logger: logger
        )
        let syncing = Task { try await syncGroup.run() }
        defer {
            running.cancel()
            syncing.cancel()
        }
        for (index, name) in names.enumerated() { say("  \(name) listening on 127.0.0.1:\(ports[index])") }
        say("  ready in \(elapsed())")

        let seller = try Identifier(kind: .seller, value: "ShopMart:Luxe Outlet 88")
        started = clock.now
        var submissions = [Submission(identifier: seller, confidence: 95, note: "Sells fake monogram bags")]
        for i in 1..<indicators {
            submissions.append(Submission(identifier: try Identifier(kind: .sku, value: "DEMO-\(i)"), confidence: 80))
        }
        try await a.submit(submissions)
        say(
            "\nbrand-a asserts \(indicators) indicators (one signed checkpoint), among them seller '\(seller.normalized)': \(elapsed())"
        )

        try await waitUntil("market-c lists the seller") { try await c.check(seller).isListed }
        say("market-c lists it, received through brand-b: \(elapsed()) after the submission")

        let verdict = try await c.check(seller)
        say("\n$ hallmark check seller 'shopmart:luxe outlet 88'   (at market-c)")
        for origin in verdict.origins {
            say(
                "  LISTED by \(origin.origin): confidence \(origin.confidence), reason \(origin.reason), via \(origin.receivedFrom), first seen \(origin.firstSeen.iso8601)"
            )
        }
        let report = try await c.audit(seller)
        say("\n$ hallmark audit seller 'shopmart:luxe outlet 88'   (at market-c)")
        for entry in report.entries {
            let checkpoint =
                entry.checkpoint.map { "checkpoint size \($0.treeSize) signed by \($0.origin)" } ?? "no checkpoint"
            say(
                "  \(entry.stored.entry.origin)#\(entry.stored.entry.index) \(entry.stored.entry.action): \(checkpoint); inclusion proof \(entry.inclusionProblem == nil ? "verified" : "FAILED"), signature \(entry.signatureProblem == nil ? "verified" : "FAILED"); received from \(entry.stored.receivedFrom)"
            )
        }
        guard report.allVerified, report.entries.first?.stored.entry.origin == a.identity.member else {
            throw HallmarkError(.proofMismatch, "market-c could not prove brand-a as the origin")
        }

        started = clock.now
        try await a.retract([seller])
        say("\nbrand-a retracts the seller: \(elapsed())")
        try await waitUntil("market-c drops the seller") { try await !c.check(seller).isListed }
        say("market-c no longer lists it: \(elapsed()) after the retraction")
        let status = try await b.status()
        say("\nbrand-b, the relay, holds \(status.store.entryCount) entries from \(status.store.logs.count) origin(s).")

        await syncGroup.triggerGracefulShutdown()
        await group.triggerGracefulShutdown()
        _ = await syncing.result
        _ = await running.result
        for member in members { try await member.close() }
        say("Nodes stopped. Demo complete.")
    }

    private static func waitUntil(
        _ what: String,
        timeout: Duration = .seconds(30),
        _ condition: () async throws -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while try await !condition() {
            guard ContinuousClock.now < deadline else {
                throw HallmarkError(.notFound, "timed out waiting until \(what)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}
