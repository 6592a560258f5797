import HallmarkCore

/// A contiguous run of one origin's log entries with the signed checkpoint that ends it, ready to append.
///
/// The caller has verified the checkpoint's signature; the store checks everything else (origin,
/// contiguity, the Merkle root) before committing anything.
public struct LogBatch: Sendable {
    /// One entry with the exact bytes its origin produced: those bytes, never a re-encoding, are stored and hashed.
    public struct Item: Sendable {
        /// The decoded entry.
        public var entry: Entry
        /// The entry's bytes as the origin encoded them.
        public var bytes: [UInt8] {
            didSet { leafHash = MerkleHash.leaf(bytes) }
        }
        /// The Merkle leaf hash of ``bytes``, kept in step with them: computed where the batch is built (while a
        /// sync decodes the next chunk), not inside the store's write transaction.
        public private(set) var leafHash: Hash256

        /// Pairs an entry with its bytes.
        public init(entry: Entry, bytes: [UInt8]) {
            self.entry = entry
            self.bytes = bytes
            self.leafHash = MerkleHash.leaf(bytes)
        }

        /// An entry this node created, with its canonical encoding.
        public init(encoding entry: Entry) {
            self.init(entry: entry, bytes: entry.encoded())
        }
    }

    /// A normalized identifier this member submitted, with the digest it was shared as.
    public struct LocalIdentifier: Sendable {
        /// The identifier in normalized form.
        public var identifier: Identifier
        /// Its digest in the log.
        public var digest: Hash256

        /// Pairs an identifier with its digest.
        public init(identifier: Identifier, digest: Hash256) {
            self.identifier = identifier
            self.digest = digest
        }
    }

    /// The log the entries belong to.
    public var origin: MemberID
    /// The entries, in log order, starting at the origin's current tree size in this store.
    public var items: [Item]
    /// The origin's signed checkpoint at or beyond the end of this batch.
    public var checkpoint: Checkpoint
    /// When the batch ends before ``checkpoint``: the hashes of the subtrees tiling the rest of the log up to it
    /// (``MerkleFrontier/subtreeSizes(from:to:)``), so that the batch verifies against the signed root alone.
    public var rightSubtrees: [Hash256]
    /// The member this batch was received from (the origin itself for local submissions).
    public var receivedFrom: MemberID
    /// Raw identifiers this member submitted, kept for its own reference and never shared: in the order of the assert
    /// entries of ``items`` they go with (the store pairs them in one pass; one out of that order is not kept).
    public var localIdentifiers: [LocalIdentifier]
    /// The origin's certificate (PEM) and its SHA-256 fingerprint, already verified by the caller, recorded in the
    /// same transaction so that an entry is never held without the certificate that proves it.
    public var originCertificate: (pem: String, fingerprint: String)?

    /// Creates a batch.
    public init(
        origin: MemberID,
        items: [Item],
        checkpoint: Checkpoint,
        receivedFrom: MemberID,
        rightSubtrees: [Hash256] = [],
        localIdentifiers: [LocalIdentifier] = []
    ) {
        self.rightSubtrees = rightSubtrees
        self.origin = origin
        self.items = items
        self.checkpoint = checkpoint
        self.receivedFrom = receivedFrom
        self.localIdentifiers = localIdentifiers
    }
}

extension LogBatch {
    /// Checks that the batch continues its origin's log held up to `frontier` and, with its right subtrees, hashes
    /// to its checkpoint's root (Protocol/PROTOCOL.md §3.2 step 5).
    /// - Parameter frontier: The frontier of the origin's log as held (empty when none of it is held).
    /// - Returns: The frontier extended by the batch's entries.
    /// - Throws: ``HallmarkError`` `malformed` when the entries are not the next ones of the origin's log or lead
    ///   beyond the checkpoint, `proof-mismatch` when they do not hash to the checkpoint's root.
    public func extending(_ frontier: MerkleFrontier) throws -> MerkleFrontier {
        guard checkpoint.origin == origin else {
            throw HallmarkError(.malformed, "checkpoint is for origin \(checkpoint.origin), batch is for \(origin)")
        }
        let startSize = frontier.size
        let checkpointSize = checkpoint.treeSize
        let endSize = startSize + UInt64(items.count)
        guard !items.isEmpty, endSize <= checkpointSize else {
            throw HallmarkError(
                .malformed,
                "batch of \(origin) holds \(items.count) entries from \(startSize), which does not lead toward its checkpoint at size \(checkpointSize)"
            )
        }
        var extended = frontier
        for (offset, item) in items.enumerated() {
            let expectedIndex = startSize + UInt64(offset)
            guard item.entry.origin == origin, item.entry.index == expectedIndex else {
                throw HallmarkError(
                    .malformed,
                    "entry \(offset) of the batch is \(item.entry.origin)#\(item.entry.index), expected \(origin)#\(expectedIndex)"
                )
            }
            extended.append(item.leafHash)
        }
        // A chunk that stops short of its checkpoint proves itself with the subtrees that tile the rest.
        guard try extended.root(extendedTo: checkpointSize, withSubtrees: rightSubtrees) == checkpoint.rootHash else {
            throw HallmarkError(
                .proofMismatch,
                "entries \(startSize)..<\(endSize) of \(origin) do not hash to the root of its checkpoint at size \(checkpointSize)"
            )
        }
        return extended
    }
}
