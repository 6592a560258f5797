import Foundation
import HallmarkCore
import HallmarkFederation
import HallmarkMember
import HallmarkRecords
import HallmarkStore
import HallmarkTestSupport
import Testing

/// The federation listener seen from other stacks: a Python client generated from `Protocol/` with grpcio-tools
/// (`Tests/interop/federation_client.py`), and `openssl s_client`.
///
/// Without python3 and its packages (`Tests/interop/requirements.txt`) or openssl, these tests are skipped with a
/// printed note on a developer's machine, and fail when `CI` is set.
@Suite("Interoperability with other gRPC and TLS stacks")
struct InteropTests {
    /// Entries in brand-a's log: two signed batches of assertions and a retraction.
    static let logSize = 300
    /// What the Python client asks per chunk, so that the log comes in several chunks.
    static let entriesPerChunk = 64

    @Test(
        "a Python gRPC client fetches a log in chunks over mTLS and verifies it against the signed checkpoint",
        .enabled(if: ExternalTool.pythonGRPC.shouldRun, "python3 with grpcio, grpcio-tools and cryptography is missing")
    )
    func pythonClientVerifiesLog() async throws {
        try ExternalTool.pythonGRPC.require()
        let node = try await Self.startBrandA()
        defer { Task { await node.stop() } }

        let run = try await Self.runPythonClient(port: node.port)
        #expect(run.status == 0, "\(run.output)")
        let chunks = (Self.logSize + Self.entriesPerChunk - 1) / Self.entriesPerChunk
        #expect(run.output.contains("GetHeads with protocol_version 0: refused with FAILED_PRECONDITION"))
        #expect(
            run.output.contains(
                "GetHeads: member brand-a, 1 heads, protocol_version \(FederationLimits.protocolVersion)"
            )
        )
        #expect(run.output.contains("checkpoint of brand-a: size \(Self.logSize), root "))
        #expect(run.output.contains("signature verified with the origin certificate (issued by the alliance CA)"))
        #expect(
            run.output.contains("chunk \(chunks - 1): entries \(Self.entriesPerChunk * (chunks - 1))..<\(Self.logSize)")
        )
        #expect(run.output.contains("fetched \(Self.logSize) entries of brand-a in \(chunks) chunks"))
        #expect(run.output.contains("Merkle root of all \(Self.logSize) leaves matches the signed checkpoint"))
        #expect(run.output.hasSuffix("all checks passed\n"))
    }

    @Test(
        "the Python client's checks fail when one entry's bytes differ from what was signed",
        .enabled(if: ExternalTool.pythonGRPC.shouldRun, "python3 with grpcio, grpcio-tools and cryptography is missing")
    )
    func pythonClientRefusesTamperedEntry() async throws {
        try ExternalTool.pythonGRPC.require()
        let node = try await Self.startBrandA()
        defer { Task { await node.stop() } }

        let run = try await Self.runPythonClient(port: node.port, extra: ["--tamper"])
        #expect(run.status == 1, "\(run.output)")
        let first = Self.entriesPerChunk
        #expect(run.output.contains("tampered: flipped a bit of entry \(first) before hashing it"))
        #expect(run.output.contains("FAILED: chunk 1 (first_index \(first)): root "))
        #expect(run.output.contains("is not the checkpoint's"))
        #expect(!run.output.contains("all checks passed"))
    }

    @Test(
        "a Python client offers a log over an Offer call it opened; the node verifies and commits it",
        .enabled(if: ExternalTool.pythonGRPC.shouldRun, "python3 with grpcio, grpcio-tools and cryptography is missing")
    )
    func pythonClientOffers() async throws {
        let (run, target) = try await Self.offerToMarketC([])
        defer { Task { await target.stop() } }
        #expect(run.status == 0, "\(run.output)")
        #expect(run.output.contains("Offer: announced 1 heads"))
        #expect(run.output.contains("Offer: answered fetch_log brand-a [0, \(Self.logSize)) with code 0"))
        // The node took brand-a's log from the relay (brand-b's certificate), verified, with proofs.
        let origin = try MemberID("brand-a")
        #expect(try await target.member.logHead(of: origin)?.treeSize == UInt64(Self.logSize))
        let verdict = try await target.member.check(try Identifier(kind: .sku, value: "IO-3"))
        #expect(verdict.status == .listed)
    }

    @Test(
        "an Offer call that answers a request never sent is ended with INVALID_ARGUMENT",
        .enabled(if: ExternalTool.pythonGRPC.shouldRun, "python3 with grpcio, grpcio-tools and cryptography is missing")
    )
    func pythonClientBreaksOfferRules() async throws {
        let (run, target) = try await Self.offerToMarketC(["--offer-violation"])
        defer { Task { await target.stop() } }
        #expect(run.status == 0, "\(run.output)")
        #expect(run.output.contains("Offer with an answer to no request: refused with INVALID_ARGUMENT"))
        #expect(try await target.member.logHead(of: try MemberID("brand-a")) == nil)
    }

    @Test(
        "a member's second Offer call replaces its first, which ends with ABORTED; the offer goes through",
        .enabled(if: ExternalTool.pythonGRPC.shouldRun, "python3 with grpcio, grpcio-tools and cryptography is missing")
    )
    func pythonClientOffersTwice() async throws {
        let (run, target) = try await Self.offerToMarketC(["--offer-twice"])
        defer { Task { await target.stop() } }
        #expect(run.status == 0, "\(run.output)")
        #expect(run.output.contains("Offer: the first call ended with ABORTED once the second opened"))
        #expect(try await target.member.logHead(of: try MemberID("brand-a"))?.treeSize == UInt64(Self.logSize))
    }

    /// Runs the Python client against brand-a's node, offering what it fetches to market-c's (which takes offers) with
    /// `extra` arguments; brand-a's node is stopped afterwards, market-c's is returned running.
    static func offerToMarketC(_ extra: [String]) async throws -> (ExternalTool.Run, ServingNode) {
        try ExternalTool.pythonGRPC.require()
        let source = try await startBrandA()
        defer { Task { await source.stop() } }
        let target = try await ServingNode.start("market-c", takingOffers: true)
        do {
            return (
                try await runPythonClient(port: source.port, extra: ["--offer-to", "\(target.port)"] + extra), target
            )
        } catch {
            await target.stop()
            throw error
        }
    }

    /// `openssl s_client` to a node over TLS 1.3 with ALPN h2, trusting the development CA, plus `extra` arguments.
    static func sClient(port: Int, _ extra: [String]) async throws -> ExternalTool.Run {
        try await ExternalTool.run(
            "openssl",
            ["s_client", "-connect", "127.0.0.1:\(port)", "-CAfile", dev("ca.pem"), "-tls1_3", "-alpn", "h2"] + extra
        )
    }

    @Test(
        "openssl s_client without a client certificate is refused after the TLS 1.3 handshake",
        .enabled(if: ExternalTool.openssl.shouldRun, "openssl is missing")
    )
    func opensslWithoutCertificateIsRefused() async throws {
        try ExternalTool.openssl.require()
        let node = try await ServingNode.start("brand-a")
        defer { Task { await node.stop() } }

        // The TLS 1.3 handshake completes on the client's side before the server has seen the client's (empty)
        // Certificate message; the refusal is the server's alert that follows. -ign_eof keeps s_client reading
        // after its empty stdin ends: without it, s_client sometimes quits ("DONE", status 0) before the alert.
        let run = try await Self.sClient(port: node.port, ["-ign_eof"])
        #expect(run.status == 1, "\(run.output)")
        #expect(run.output.contains("New, TLSv1.3, Cipher is "), "\(run.output)")
        #expect(run.output.contains("Verify return code: 0 (ok)"), "the client verified the server: \(run.output)")
        #expect(
            run.output.contains("ssl3_read_bytes:tlsv13 alert certificate required")
                && run.output.contains("SSL alert number 116"),
            "\(run.output)"
        )
    }

    @Test(
        "openssl s_client with a member certificate completes the TLS 1.3 handshake with ALPN h2",
        .enabled(if: ExternalTool.openssl.shouldRun, "openssl is missing")
    )
    func opensslWithMemberCertificateConnects() async throws {
        try ExternalTool.openssl.require()
        let node = try await ServingNode.start("brand-a")
        defer { Task { await node.stop() } }

        let run = try await Self.sClient(
            port: node.port,
            ["-cert", Self.dev("brand-b/member.pem"), "-key", Self.dev("brand-b/member-key.pem")]
        )
        // s_client quits when its empty stdin ends, usually after the server has checked the certificate; that
        // the server then takes calls from this member is what pythonClientVerifiesLog shows.
        #expect(run.status == 0, "\(run.output)")
        #expect(run.output.contains("New, TLSv1.3, Cipher is "), "\(run.output)")
        #expect(run.output.contains("Verify return code: 0 (ok)"), "\(run.output)")
        #expect(run.output.contains("ALPN protocol: h2"), "\(run.output)")
        #expect(run.output.hasSuffix("DONE\n"), "\(run.output)")
        #expect(!run.output.contains("alert"), "\(run.output)")
    }

    /// brand-a's node with a log of ``logSize`` entries under two checkpoints and more.
    static func startBrandA() async throws -> ServingNode {
        let node = try await ServingNode.start("brand-a")
        let sellers = try (0..<250).map { try Identifier(kind: .seller, value: "shopmart:interop \($0)") }
        try await node.member.submit(sellers.map { Submission(identifier: $0, confidence: 70, note: "interop") })
        let skus = try (0..<49).map { try Identifier(kind: .sku, value: "IO-\($0)") }
        try await node.member.submit(skus.map { Submission(identifier: $0) })
        try await node.member.retract([sellers[7]])
        #expect(try await node.member.status().store.entryCount == logSize)
        return node
    }

    /// Runs the Python client against `port` as development member brand-b.
    static func runPythonClient(port: Int, extra: [String] = []) async throws -> ExternalTool.Run {
        let script = DevelopmentAlliance.repositoryRoot.appendingPathComponent("Tests/interop/federation_client.py")
        return try await ExternalTool.run(
            "python3",
            [
                script.path, "--port", "\(port)", "--origin", "brand-a", "--chunk", "\(entriesPerChunk)",
                "--cert", dev("brand-b/member.pem"), "--key", dev("brand-b/member-key.pem"), "--ca", dev("ca.pem"),
            ] + extra
        )
    }

    /// A path in `Certificates/dev`.
    static func dev(_ path: String) -> String {
        DevelopmentAlliance.folder.appendingPathComponent(path).path
    }
}
