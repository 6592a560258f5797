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
        public var bytes: [UInt8]

        /// Pairs an entry with its bytes.
        public init(entry: Entry, bytes: [UInt8]) {
            self.entry = entry
            self.bytes = bytes
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
    /// Raw identifiers this member submitted, kept for its own reference and never shared.
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
