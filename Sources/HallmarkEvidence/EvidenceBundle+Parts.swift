extension EvidenceBundle {
    /// The identifier a bundle is about.
    public struct Subject: Codable, Sendable, Equatable {
        /// The indicator kind, such as `seller`.
        public var kind: String
        /// The digest the alliance shares it as (64 hex digits): keyed for most kinds, the PDQ hash for `image-pdq`.
        public var digest: String

        /// Creates a subject.
        public init(kind: String, digest: String) {
            self.kind = kind
            self.digest = digest
        }
    }

    /// The node that made a bundle, and when.
    public struct Producer: Codable, Sendable, Equatable {
        /// The producing node's member id.
        public var member: String
        /// Its member certificate (PEM), whose key signed the bundle's attestation.
        public var certificate: String
        /// When it made the bundle (ISO 8601, UTC, milliseconds).
        public var time: String

        /// Creates a producer.
        public init(member: String, certificate: String, time: String) {
            self.member = member
            self.certificate = certificate
            self.time = time
        }
    }

    /// An origin whose entries the bundle holds, with the certificate that verifies its checkpoints.
    public struct Origin: Codable, Sendable, Equatable {
        /// The origin's member id.
        public var member: String
        /// Its member certificate (PEM), issued by the alliance CA.
        public var certificate: String

        /// Creates an origin.
        public init(member: String, certificate: String) {
            self.member = member
            self.certificate = certificate
        }
    }

    /// One entry about the subject, with everything that proves it.
    public struct Entry: Codable, Sendable, Equatable {
        /// The origin whose log holds the entry.
        public var origin: String
        /// The entry's index in that log: its leaf index in the Merkle tree.
        public var index: UInt64
        /// The entry's exact bytes (`Protocol/log-format.md` §2.2), in hex.
        public var bytes: String
        /// What the entry says, in words; it must be exactly what ``bytes`` decode to.
        public var claim: Claim
        /// The origin's signed checkpoint the entry is proved against.
        public var checkpoint: CheckpointRecord
        /// The inclusion proof of leaf ``index`` in the tree of ``checkpoint``.
        public var inclusionProof: Proof
        /// How the entry reached the producer: empty when it was made there.
        public var hops: [Hop]

        /// Creates an entry record.
        public init(
            origin: String,
            index: UInt64,
            bytes: String,
            claim: Claim,
            checkpoint: CheckpointRecord,
            inclusionProof: Proof,
            hops: [Hop]
        ) {
            self.origin = origin
            self.index = index
            self.bytes = bytes
            self.claim = claim
            self.checkpoint = checkpoint
            self.inclusionProof = inclusionProof
            self.hops = hops
        }
    }

    /// A signed checkpoint as held by the producer, with its fields spelled out for people.
    public struct CheckpointRecord: Codable, Sendable, Equatable {
        /// The checkpoint's stored form (`Protocol/log-format.md` §4: version, signed body, signature), in hex.
        public var encoded: String
        /// The number of entries it covers.
        public var treeSize: UInt64
        /// The root hash it signs (64 hex digits).
        public var rootHash: String
        /// When the origin says it signed (ISO 8601).
        public var signedAt: String
        /// When the producer first held it (ISO 8601): judged with ``signedAt`` against revocations.
        public var receivedAt: String

        /// Creates a checkpoint record.
        public init(encoded: String, treeSize: UInt64, rootHash: String, signedAt: String, receivedAt: String) {
            self.encoded = encoded
            self.treeSize = treeSize
            self.rootHash = rootHash
            self.signedAt = signedAt
            self.receivedAt = receivedAt
        }
    }

    /// An RFC 9162 inclusion proof.
    public struct Proof: Codable, Sendable, Equatable {
        /// The size of the tree the proof leads to: the checkpoint's.
        public var treeSize: UInt64
        /// The sibling hashes from the leaf up (64 hex digits each).
        public var path: [String]

        /// Creates a proof record.
        public init(treeSize: UInt64, path: [String]) {
            self.treeSize = treeSize
            self.path = path
        }
    }

    /// One hop of an entry's way to the producer.
    public struct Hop: Codable, Sendable, Equatable {
        /// The member that handed the entry on.
        public var from: String
        /// The member that received it.
        public var to: String
        /// When it was received (ISO 8601).
        public var at: String

        /// Creates a hop.
        public init(from: String, to: String, at: String) {
            self.from = from
            self.to = to
            self.at = at
        }
    }
}
