import HallmarkCore

extension APIDocument {
    /// The answer to `POST /v1/hash-image`, and what `hallmark hash-image --json` prints for each file.
    public struct ImageHashBody: Codable, Sendable, Equatable {
        /// Always `image-pdq`: the kind to submit or check the hash as.
        public var kind: String
        /// The PDQ hash, 64 hex digits, as Meta's PDQ reference prints it.
        public var hash: String
        /// The PDQ quality, 0–100; hashes below 50 are not trusted to match.
        public var quality: Int
        /// The file hashed, for the command line; absent in the API's answer.
        public var file: String?

        /// The document for a hash and its quality.
        public init(hash: Hash256, quality: Int, file: String? = nil) {
            kind = IndicatorKind.imagePDQ.name
            self.hash = hash.hex
            self.quality = quality
            self.file = file
        }
    }
}
