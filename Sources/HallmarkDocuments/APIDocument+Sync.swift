extension APIDocument {
    /// The answer to `POST /v1/sync`, and what `hallmark sync` prints: what one round with one peer did.
    public struct SyncResult: Codable, Sendable, Equatable {
        /// Entries of one origin fetched, verified and committed.
        public struct Fetched: Codable, Sendable, Equatable {
            /// The origin.
            public var origin: String
            /// How many entries.
            public var entries: Int

            /// Creates a count.
            public init(origin: String, entries: Int) {
                self.origin = origin
                self.entries = entries
            }
        }

        /// A log the peer offered that was rejected; nothing of it was stored.
        public struct RejectedLog: Codable, Sendable, Equatable {
            /// Its origin.
            public var origin: String
            /// What did not verify.
            public var reason: String

            /// Creates a rejection.
            public init(origin: String, reason: String) {
                self.origin = origin
                self.reason = reason
            }
        }

        /// The peer, `MEMBER@HOST:PORT`.
        public var peer: String
        /// Entries fetched, verified and committed, by origin (sorted by origin).
        public var fetched: [Fetched]
        /// Batches (chunks under one signed checkpoint) committed.
        public var batches: Int
        /// Logs rejected.
        public var rejected: [RejectedLog]
        /// Origins the peer offers more of that were not fetched because they are quarantined.
        public var quarantined: [String]
        /// Why the round did not bring everything the peer offered; absent when it did.
        public var interrupted: String?

        /// Creates a result.
        public init(
            peer: String,
            fetched: [Fetched],
            batches: Int,
            rejected: [RejectedLog],
            quarantined: [String],
            interrupted: String?
        ) {
            self.peer = peer
            self.fetched = fetched
            self.batches = batches
            self.rejected = rejected
            self.quarantined = quarantined
            self.interrupted = interrupted
        }

        /// Entries fetched from every origin together.
        public var entriesFetched: Int { fetched.reduce(0) { $0 + $1.entries } }
    }
}
