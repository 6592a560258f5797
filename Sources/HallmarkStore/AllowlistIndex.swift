import HallmarkCore
import HallmarkRecords
import Synchronization

/// The allowlisted digests in memory, so that a check consults the allowlist without touching the database.
///
/// A digest is unique to its kind (the kind is part of what is hashed; an `image-pdq` hash is 256 bits of image, which
/// no keyed digest of another kind can be made to equal), so the digest alone identifies the entry.
final class AllowlistIndex: Sendable {
    private struct State {
        var digests: Set<Hash256> = []
        /// The `allowlist_version` read with ``digests``: another process's change alters it.
        var version: String?
    }

    private let state = Mutex(State())

    /// Whether `digest` is allowlisted.
    func contains(_ digest: Hash256) -> Bool {
        state.withLock { $0.digests.contains(digest) }
    }

    /// ``contains(_:)`` for many digests under one lock acquisition; all `false` at once when the list is empty.
    func contains(_ digests: [Hash256]) -> [Bool] {
        state.withLock { state in
            state.digests.isEmpty ? Array(repeating: false, count: digests.count) : digests.map(state.digests.contains)
        }
    }

    /// The version the digests were loaded at.
    var version: String? { state.withLock { $0.version } }

    /// Replaces every digest, as read at `version`.
    func replace(with digests: Set<Hash256>, version: String?) {
        state.withLock { $0 = State(digests: digests, version: version) }
    }
}
