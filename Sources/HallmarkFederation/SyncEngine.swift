import Foundation
import HallmarkCore
import HallmarkMember
import HallmarkPKI
import HallmarkProtocol
import HallmarkStore
import Logging
import SwiftASN1
import X509

/// Pull-based anti-entropy with peers (Protocol/PROTOCOL.md §4): compare version vectors, fetch what is
/// missing chunk by chunk, verify each chunk against its origin's signed checkpoint, commit it.
public struct SyncEngine: Sendable {
    let member: MemberNode
    let revocations: @Sendable () -> RevocationList?
    let logger: Logger

    /// Syncs into `member`'s store.
    public init(member: MemberNode, revocations: @escaping @Sendable () -> RevocationList? = { nil }, logger: Logger) {
        self.member = member
        self.revocations = revocations
        self.logger = logger
    }

    /// One round with one peer: connect, compare heads, fetch and commit everything missing.
    /// - Throws: When the peer cannot be reached or refuses us; a log that fails verification is reported in
    ///   the ``SyncReport`` instead, and the rest of the round goes on.
    public func syncOnce(with peer: PeerAddress) async throws -> SyncReport {
        try await PeerConnection.with(peer, identity: member.identity, revocations: revocations, logger: logger) {
            connection in
            try await pullAll(from: connection)
        }
    }

    /// Fetches everything `connection`'s peer holds beyond this node.
    func pullAll(from connection: PeerConnection) async throws -> SyncReport {
        var report = SyncReport(peer: connection.address)
        let response = try await connection.heads()
        for head in response.heads {
            await pull(head, from: connection, into: &report)
        }
        return report
    }

    /// Fetches what one advertised head holds beyond this node; failures go into `report`.
    func pull(_ head: Hallmark_V1_OriginHead, from connection: PeerConnection, into report: inout SyncReport) async {
        do {
            let fetched = try await pull(head, from: connection)
            if fetched > 0, let origin = try? MemberID(head.origin) { report.fetched[origin, default: 0] += fetched }
        } catch {
            let reason = (error as? HallmarkError)?.description ?? "\(error)"
            report.rejected.append(SyncReport.Rejection(origin: head.origin, reason: reason))
            logger.error(
                "rejected a peer's log",
                metadata: ["peer": "\(connection.address)", "log.origin": "\(head.origin)", "error": "\(reason)"]
            )
        }
    }

    private func pull(_ head: Hallmark_V1_OriginHead, from connection: PeerConnection) async throws -> Int {
        let origin = try MemberID(head.origin)
        guard head.checkpoint.count <= Checkpoint.maxEncodedSize,
            head.certificateDer.count <= FederationLimits.maximumCertificateBytes
        else {
            throw HallmarkError(.malformed, "the head of \(origin) is over the size limits")
        }
        let checkpoint = try Checkpoint(decoding: head.checkpoint)
        guard checkpoint.origin == origin else {
            throw HallmarkError(.malformed, "the head for \(origin) carries a checkpoint of \(checkpoint.origin)")
        }
        if origin == member.identity.member {
            // Our own log: a checkpoint we did not sign would mean our key is misused.
            if let mine = try await member.store.checkpoint(of: origin, treeSize: checkpoint.treeSize),
                mine.rootHash == checkpoint.rootHash
            {
                return 0
            }
            throw HallmarkError(
                .proofMismatch,
                "the peer shows a checkpoint of this node's own log that it never signed"
            )
        }
        let certificatePEM: String
        do {
            certificatePEM = try Certificate(derEncoded: Array(head.certificateDer)).serializeAsPEM().pemString
        } catch {
            throw HallmarkError(.malformed, "the certificate offered for \(origin) does not decode")
        }
        let held = try await member.store.logHead(of: origin)?.treeSize ?? 0
        if checkpoint.treeSize <= held {
            // Nothing new; still check that the peer's view agrees with ours.
            let batch = LogBatch(
                origin: origin,
                items: [],
                checkpoint: checkpoint,
                receivedFrom: connection.address.member
            )
            try await member.receive(batch, originCertificatePEM: certificatePEM)
            return 0
        }
        let progress = FetchProgress(next: held)
        try await connection.fetch(origin: origin, start: held, treeSize: checkpoint.treeSize) { chunk in
            let batch = try await decode(
                chunk,
                origin: origin,
                expected: checkpoint,
                from: connection,
                progress: progress
            )
            try await member.receive(batch, originCertificatePEM: certificatePEM)
            await progress.advance(by: batch.items.count)
        }
        let fetched = await progress.next - held
        guard fetched == checkpoint.treeSize - held else {
            throw HallmarkError(
                .malformed,
                "the peer sent \(fetched) of the \(checkpoint.treeSize - held) entries of \(origin) it advertised"
            )
        }
        logger.info(
            "fetched log entries",
            metadata: ["peer": "\(connection.address)", "log.origin": "\(origin)", "log.fetched": "\(fetched)"]
        )
        return Int(fetched)
    }

    private func decode(
        _ chunk: Hallmark_V1_LogChunk,
        origin: MemberID,
        expected: Checkpoint,
        from connection: PeerConnection,
        progress: FetchProgress
    ) async throws -> LogBatch {
        let next = await progress.next
        guard chunk.firstIndex == next else {
            throw HallmarkError(.malformed, "chunk of \(origin) starts at \(chunk.firstIndex), expected \(next)")
        }
        guard !chunk.entries.isEmpty, chunk.entries.count <= FederationLimits.maximumEntriesPerChunk,
            chunk.rightSubtrees.count <= FederationLimits.maximumRightSubtrees
        else {
            throw HallmarkError(.malformed, "chunk of \(origin) at \(next) is empty or over the limits")
        }
        let checkpoint = try Checkpoint(decoding: chunk.checkpoint)
        guard checkpoint == expected else {
            throw HallmarkError(.malformed, "chunk of \(origin) at \(next) carries another checkpoint than requested")
        }
        var items: [LogBatch.Item] = []
        items.reserveCapacity(chunk.entries.count)
        for (offset, data) in chunk.entries.enumerated() {
            let bytes = [UInt8](data)
            do {
                items.append(LogBatch.Item(entry: try Entry(decoding: bytes), bytes: bytes))
            } catch let error as HallmarkError {
                throw error.at("entry \(origin)#\(next + UInt64(offset))")
            }
        }
        return LogBatch(
            origin: origin,
            items: items,
            checkpoint: checkpoint,
            receivedFrom: connection.address.member,
            rightSubtrees: try chunk.rightSubtrees.map { try Hash256(bytes: $0) }
        )
    }
}

/// The next index expected while a fetch streams in.
private actor FetchProgress {
    var next: UInt64

    init(next: UInt64) { self.next = next }

    func advance(by count: Int) { next += UInt64(count) }
}
