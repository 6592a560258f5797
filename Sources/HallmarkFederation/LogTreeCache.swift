import HallmarkCore
import HallmarkStore

/// The Merkle trees of the logs this node serves, kept in memory and extended from the store as the logs
/// grow, so that each chunk's right-subtree hashes cost O(log n) instead of re-reading the whole log.
actor LogTreeCache {
    private let store: HallmarkStore
    private var trees: [MemberID: MerkleTree] = [:]

    init(store: HallmarkStore) {
        self.store = store
    }

    /// The tree of `origin`'s log holding at least `size` leaves.
    func tree(of origin: MemberID, size: UInt64) async throws -> MerkleTree {
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
