import FuzzSupport
import HallmarkCore
@testable import HallmarkFederation
import HallmarkProtocol
import SwiftProtobuf

/// Decodes `bytes` as `M`; a message that decodes must survive a round trip through its serialization.
func decode<M: SwiftProtobuf.Message & Equatable>(_: M.Type, _ bytes: [UInt8]) -> M? {
    let message: M
    do {
        message = try M(serializedBytes: bytes)
    } catch is BinaryDecodingError {
        return nil
    } catch {
        fatalError("decoding \(M.self) threw an undocumented \(type(of: error)): \(error)")
    }
    do {
        let again = try M(serializedBytes: try message.serializedBytes() as [UInt8])
        guard again == message else { fatalError("\(M.self) does not survive a serialization round trip") }
    } catch {
        fatalError("a decoded \(M.self) does not re-encode and decode: \(error)")
    }
    return message
}

/// The federation requests as the listener receives them from a connected member (`FetchLogRequest`,
/// `GetHeadsRequest`, `WatchHeadsRequest`), and the `GetHeadsResponse` a peer answers, decoded with SwiftProtobuf
/// from the same bytes; then the listener's argument checks of a fetch (`FederationService.fetchLog`) and the checks
/// of each head the answer offers (`HeadCheck`).
@_cdecl("LLVMFuzzerTestOneInput")
public func test(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(fuzzBytes(start, count))
    if let request = decode(Hallmark_V1_FetchLogRequest.self, bytes) {
        refusesCleanly("FetchLog arguments") {
            _ = try MemberID(request.origin)
            let requested = Int(request.maxEntriesPerChunk)
            guard requested <= FederationLimits.maximumEntriesPerChunk,
                request.treeSize <= Checkpoint.maximumTreeSize,
                request.start <= request.treeSize
            else { return }
            // The chunks the listener would cut the range into.
            let perChunk = UInt64(requested == 0 ? FederationLimits.defaultEntriesPerChunk : requested)
            var position = request.start
            var chunks = 0
            while position < request.treeSize, chunks < 4 {
                let end = min(position + perChunk, request.treeSize)
                _ = MerkleFrontier.subtreeSizes(from: end, to: request.treeSize)
                position = end
                chunks += 1
            }
        }
    }
    _ = decode(Hallmark_V1_GetHeadsRequest.self, bytes)
    _ = decode(Hallmark_V1_WatchHeadsRequest.self, bytes)
    if let response = decode(Hallmark_V1_GetHeadsResponse.self, bytes) {
        for head in response.heads {
            refusesCleanly("HeadCheck") { _ = try HeadCheck(head) }
        }
    }
    return 0
}
