import HallmarkCore
import HallmarkRecords
import HallmarkStore

/// The Merkle trees of the logs this node holds, kept in memory and extended from the store as the logs grow, so that
/// the hashes a served chunk, an audit or an evidence bundle needs cost O(log n) instead of re-reading the whole log.
///
/// A tree is read the first time it is asked for; logs are append-only, so what it holds never goes stale.
package actor LogTreeCache {
    private let store: HallmarkStore
    private var trees: [MemberID: MerkleTree] = [:]

    /// A cache over `store`'s logs.
    package init(store: HallmarkStore) {
        self.store = store
    }

    /// The tree of `origin`'s log holding at least `size` leaves (it may hold more: prove against older sizes).
    /// - Throws: When the store holds fewer than `size` leaves of it, or cannot be read.
    package func tree(of origin: MemberID, size: UInt64) async throws -> MerkleTree {
        var tree = trees[origin] ?? MerkleTree()
        if tree.size < size {
            let more = try await store.leafHashes(of: origin, range: tree.size..<size)
            // Another call may have extended the tree while this one read the store.
            let current = trees[origin] ?? MerkleTree()
            if current.size > tree.size {
                tree = current
            } else {
                tree.append(contentsOf: more)
            }
            trees[origin] = tree
        }
        return tree
    }
}
