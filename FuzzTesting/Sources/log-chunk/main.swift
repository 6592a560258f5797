import FuzzSupport
import HallmarkCore
@testable import HallmarkFederation
import HallmarkProtocol
import HallmarkRecords
import SwiftProtobuf

/// The log every chunk claims to be part of: entries.json's log of acme-brand, its checkpoint at size 7.
let checkpoint = TestVectors.checkpoints[0]
let origin = checkpoint.origin
let peer = try! MemberID("brand-b")
/// What a node may hold of that log when the chunk arrives: nothing, or its first 3 entries.
let heldFrontiers: [MerkleFrontier] = [
    MerkleFrontier(),
    MerkleFrontier(leafHashes: TestVectors.entryBytes.prefix(3).map { MerkleHash.leaf($0) }),
]

/// A `Hallmark_V1_LogChunk` as `FetchLog` streams it from a peer, decoded, then checked as the sync engine's
/// `FetchPipeline.verify` does: `ChunkCheck` (place, limits, checkpoint, entries), then the batch proven against the
/// checkpoint's root (`LogBatch.extending`).
@_cdecl("LLVMFuzzerTestOneInput")
public func test(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let chunk: Hallmark_V1_LogChunk
    do {
        chunk = try Hallmark_V1_LogChunk(serializedBytes: Array(fuzzBytes(start, count)))
    } catch is BinaryDecodingError {
        return 0
    } catch {
        fatalError("protobuf decoding threw an undocumented \(type(of: error)): \(error)")
    }
    for held in heldFrontiers {
        refusesCleanly("ChunkCheck") {
            let checked = try ChunkCheck(chunk, origin: origin, expected: checkpoint, next: held.size)
            let batch = LogBatch(
                origin: origin,
                items: checked.items,
                checkpoint: checkpoint,
                receivedFrom: peer,
                rightSubtrees: checked.rightSubtrees
            )
            let extended = try batch.extending(held)
            guard extended.size == held.size + UInt64(checked.items.count) else {
                fatalError("a verified chunk of \(checked.items.count) entries extends \(held.size) to \(extended.size)")
            }
        }
    }
    return 0
}
