import HallmarkCore

/// How a node treats PDQ image hashes: how far apart two hashes may be and still match, and the quality below which
/// a hash is too weak to submit.
///
/// PDQ hashes of the same photograph, resized, recompressed or brightened, differ in a few bits; hashes of unrelated
/// photographs differ in about half of their 256. Meta's guidance is a match at 31 bits or fewer, and no trust in
/// hashes of quality below 50 (flat or tiny images, whose hashes match many unrelated ones).
public struct ImageMatching: Sendable, Equatable {
    /// The largest Hamming distance at which a listed hash matches a checked one (default 31).
    public var maximumDistance: Int
    /// The lowest PDQ quality an `image-pdq` submission may give (default 50).
    public var minimumQuality: Int

    /// The distances a node or a check may ask for: up to one bit past the PDQ threshold. Each query then probes at
    /// most 137 values per table of the index (17 up to 31 bits); farther, the work per query grows by tens of times,
    /// which a batch of checks must not be able to ask for.
    public static let distances = 0...32
    /// The qualities PDQ computes.
    public static let qualities = 0...100

    /// Creates a policy; values outside ``distances`` and ``qualities`` are clamped into them.
    public init(maximumDistance: Int = 31, minimumQuality: Int = 50) {
        self.maximumDistance = min(max(maximumDistance, Self.distances.lowerBound), Self.distances.upperBound)
        self.minimumQuality = min(max(minimumQuality, Self.qualities.lowerBound), Self.qualities.upperBound)
    }

    /// Checks a distance given by a person or a system (`--max-distance`, `max_distance`).
    /// - Throws: ``HallmarkError`` `invalid-value` at `location` when it is outside ``distances``.
    public static func validateDistance(_ distance: Int, at location: String) throws {
        guard distances.contains(distance) else {
            throw HallmarkError(
                .invalidValue,
                "the maximum distance must be a whole number of bits from 0 to \(distances.upperBound), got \(distance)",
                location: location
            )
        }
    }
}
