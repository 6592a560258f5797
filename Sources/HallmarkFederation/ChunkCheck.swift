import Foundation
import HallmarkCore
import HallmarkProtocol
import HallmarkRecords

/// One chunk checked on its own (Protocol/PROTOCOL.md §3.2 steps 1–4): its place, its limits, its checkpoint,
/// its entries decoded in order.
struct ChunkCheck {
    let items: [LogBatch.Item]
    let rightSubtrees: [Hash256]
    let firstIndex: UInt64

    init(_ chunk: Hallmark_V1_LogChunk, origin: MemberID, expected: Checkpoint, next: UInt64) throws {
        guard chunk.firstIndex == next else {
            throw HallmarkError(
                .malformed,
                "a chunk of \(origin) starts at entry \(chunk.firstIndex), expected \(next): out of order"
            )
        }
        guard !chunk.entries.isEmpty, chunk.entries.count <= FederationLimits.maximumEntriesPerChunk,
            chunk.rightSubtrees.count <= FederationLimits.maximumRightSubtrees,
            UInt64(chunk.entries.count) <= expected.treeSize - next
        else {
            throw HallmarkError(
                .malformed,
                "the chunk of \(origin) at \(next) holds \(chunk.entries.count) entries and "
                    + "\(chunk.rightSubtrees.count) subtree hashes: empty, beyond its checkpoint or over the limits"
            )
        }
        let checkpoint: Checkpoint
        do {
            checkpoint = try Checkpoint(decoding: chunk.checkpoint)
        } catch let error as HallmarkError {
            throw HallmarkError(
                .malformed,
                "the checkpoint in the chunk of \(origin) at \(next) does not decode: \(error)"
            )
        }
        guard checkpoint == expected else {
            throw HallmarkError(
                .malformed,
                "the chunk of \(origin) at \(next) carries another checkpoint (\(checkpoint)) than requested (\(expected))"
            )
        }
        var items: [LogBatch.Item] = []
        items.reserveCapacity(chunk.entries.count)
        for (offset, data) in chunk.entries.enumerated() {
            let index = next + UInt64(offset)
            let bytes = [UInt8](data)
            let entry: Entry
            do {
                entry = try Entry(decoding: bytes)
            } catch let error as HallmarkError {
                throw HallmarkError(.malformed, "entry \(origin)#\(index) does not decode: \(error)")
            }
            guard entry.origin == origin, entry.index == index else {
                throw HallmarkError(
                    .malformed,
                    "the chunk of \(origin) holds entry \(entry.origin)#\(entry.index) where \(origin)#\(index) belongs"
                )
            }
            items.append(LogBatch.Item(entry: entry, bytes: bytes))
        }
        do {
            rightSubtrees = try chunk.rightSubtrees.map { try Hash256(bytes: $0) }
        } catch {
            throw HallmarkError(.malformed, "the chunk of \(origin) at \(next) has a subtree hash that is not 32 bytes")
        }
        self.items = items
        self.firstIndex = next
    }
}
