import Foundation
import HallmarkCore
import Synchronization

/// Fans out "this origin's log grew" to every listener (the federation watch streams), without
/// ever blocking the writer: a slow listener keeps only the newest updates.
final class HeadUpdates: Sendable {
    private let listeners = Mutex<[UUID: AsyncStream<MemberID>.Continuation]>([:])

    /// A stream of origins whose log grew, from now until the consumer stops iterating.
    func stream() -> AsyncStream<MemberID> {
        let (stream, continuation) = AsyncStream<MemberID>.makeStream(bufferingPolicy: .bufferingNewest(256))
        let id = UUID()
        listeners.withLock { $0[id] = continuation }
        continuation.onTermination = { [weak self] _ in
            self?.listeners.withLock { _ = $0.removeValue(forKey: id) }
        }
        return stream
    }

    func publish(_ origin: MemberID) {
        for continuation in listeners.withLock({ Array($0.values) }) { continuation.yield(origin) }
    }
}
