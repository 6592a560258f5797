import Foundation
import GRPCCore
import HallmarkCore
import HallmarkMember
import HallmarkProtocol
import HallmarkTestSupport
import Logging
import Synchronization

@testable import HallmarkFederation

/// A peer that serves a real node's store over real mutual TLS with a development member's certificate, but
/// tampers with what it sends of one origin: the adversary an honest node's ``SyncEngine`` must withstand.
struct MaliciousPeer {
    /// How the peer alters one origin's heads and chunks.
    struct Tampering: Sendable {
        var origin: MemberID
        var head: @Sendable (inout Hallmark_V1_OriginHead) -> Void = { _ in }
        var chunk: @Sendable (inout Hallmark_V1_LogChunk) -> Void = { _ in }
        /// After this many chunks of the origin, the peer sends nothing more and keeps the call open (at most ten
        /// minutes, or until it is cancelled).
        var stallAfterChunks: Int?
        /// Heads added to every GetHeads answer.
        var extraHeads: [Hallmark_V1_OriginHead] = []
        /// When set, a WatchHeads caller gets these heads as fast as it reads them, then nothing (the call stays
        /// open), instead of the real node's.
        var watchFlood: [Hallmark_V1_OriginHead]?
    }

    let source: Member
    let server: FederationServer
    let serving: Task<Void, any Error>
    let port: Int
    /// The member whose certificate the peer presents.
    let member: MemberID
    /// The FetchLog calls it has answered.
    let fetchLogCalls: CallCount

    /// Serves `source`'s store as `member` (a development member: its certificate and key), altered by `tampering`.
    static func start(serving source: Member, as member: String, tampering: Tampering) async throws -> MaliciousPeer {
        let folder = DevelopmentAlliance.folder.appendingPathComponent(member)
        let identity = try await NodeIdentity.load(
            memberCertificate: folder.appendingPathComponent("member.pem"),
            memberKey: folder.appendingPathComponent("member-key.pem"),
            allianceCA: DevelopmentAlliance.folder.appendingPathComponent("ca.pem"),
            allianceKey: DevelopmentAlliance.folder.appendingPathComponent("alliance.key")
        )
        let logger = Logger(label: "malicious")
        let calls = CallCount()
        let service = TamperingService(
            honest: FederationService(member: source, logger: logger),
            tampering: tampering,
            fetchLogCalls: calls
        )
        let server = try FederationServer(
            identity: identity,
            host: "127.0.0.1",
            port: 0,
            services: [service],
            revocations: { nil },
            limits: .underTest,
            logger: logger
        )
        let serving = Task { try await server.serve() }
        return MaliciousPeer(
            source: source,
            server: server,
            serving: serving,
            port: try await server.port,
            member: identity.member,
            fetchLogCalls: calls
        )
    }

    var address: PeerAddress { PeerAddress(member: member, host: "127.0.0.1", port: port) }

    func stop() async {
        server.shutDown()
        _ = await serving.result
    }
}

/// The federation service of a real store, with one origin's heads and chunks altered on the way out.
private struct TamperingService: Hallmark_V1_Federation.SimpleServiceProtocol {
    let honest: FederationService
    let tampering: MaliciousPeer.Tampering
    let fetchLogCalls: CallCount

    func getHeads(
        request: Hallmark_V1_GetHeadsRequest,
        context: ServerContext
    ) async throws -> Hallmark_V1_GetHeadsResponse {
        var response = try await honest.getHeads(request: request, context: context)
        for index in response.heads.indices where response.heads[index].origin == tampering.origin.rawValue {
            tampering.head(&response.heads[index])
        }
        response.heads += tampering.extraHeads
        return response
    }

    func fetchLog(
        request: Hallmark_V1_FetchLogRequest,
        response: RPCWriter<Hallmark_V1_LogChunk>,
        context: ServerContext
    ) async throws {
        fetchLogCalls.value.add(1, ordering: .relaxed)
        let writer =
            request.origin == tampering.origin.rawValue
            ? RPCWriter(
                wrapping: TamperingWriter(
                    base: response,
                    tamper: tampering.chunk,
                    stallAfter: tampering.stallAfterChunks
                )
            ) : response
        try await honest.fetchLog(request: request, response: writer, context: context)
    }

    func watchHeads(
        request: Hallmark_V1_WatchHeadsRequest,
        response: RPCWriter<Hallmark_V1_OriginHead>,
        context: ServerContext
    ) async throws {
        guard let flood = tampering.watchFlood else {
            try await honest.watchHeads(request: request, response: response, context: context)
            return
        }
        for head in flood { try await response.write(head) }
        try await Task.sleep(for: .seconds(600))
    }

    func offer(
        request: RPCAsyncSequence<Hallmark_V1_OfferMessage, any Error>,
        response: RPCWriter<Hallmark_V1_OfferRequest>,
        context: ServerContext
    ) async throws {
        try await honest.offer(request: request, response: response, context: context)
    }
}

/// Alters each chunk before writing it, and stalls after `stallAfter` of them.
private struct TamperingWriter: RPCWriterProtocol {
    let base: RPCWriter<Hallmark_V1_LogChunk>
    let tamper: @Sendable (inout Hallmark_V1_LogChunk) -> Void
    let stallAfter: Int?
    let written = ChunkCount()

    func write(_ element: Hallmark_V1_LogChunk) async throws {
        if let stallAfter, written.value.load(ordering: .relaxed) >= stallAfter {
            try await Task.sleep(for: .seconds(600))
        }
        written.value.add(1, ordering: .relaxed)
        var chunk = element
        tamper(&chunk)
        try await base.write(chunk)
    }

    func write(contentsOf elements: some Sequence<Hallmark_V1_LogChunk>) async throws {
        for element in elements { try await write(element) }
    }
}

/// The chunks a writer has written, shared by its copies.
private final class ChunkCount: Sendable {
    let value = Atomic<Int>(0)
}

/// Calls a peer has answered, read by the test.
final class CallCount: Sendable {
    let value = Atomic<Int>(0)

    var count: Int { value.load(ordering: .relaxed) }
}
