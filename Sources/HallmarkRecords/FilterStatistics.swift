/// Size and accuracy of the node's Bloom filter, and the size of the near-match index of image hashes beside it.
public struct FilterStatistics: Sendable, Equatable {
    /// Memory taken by the filter's bits.
    public var byteCount: Int
    /// Digests inserted since the filter was built.
    public var insertedCount: Int
    /// The number of digests the filter was sized for at its target false-positive rate.
    public var capacity: Int
    /// The false-positive rate expected with `insertedCount` digests inserted.
    public var expectedFalsePositiveRate: Double
    /// The `image-pdq` hashes the near-match index holds.
    public var imageHashCount: Int

    /// Creates the record from its fields.
    public init(
        byteCount: Int,
        insertedCount: Int,
        capacity: Int,
        expectedFalsePositiveRate: Double,
        imageHashCount: Int = 0
    ) {
        self.byteCount = byteCount
        self.insertedCount = insertedCount
        self.capacity = capacity
        self.expectedFalsePositiveRate = expectedFalsePositiveRate
        self.imageHashCount = imageHashCount
    }
}
