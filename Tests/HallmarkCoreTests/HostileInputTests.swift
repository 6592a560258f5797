import HallmarkCore
import Testing

/// Values from outside that used to trap (docs/CONVERSIONS.md) are refused with an error naming what is wrong.
@Suite struct CoreHostileInputTests {
    typealias Support = LogTestSupport

    /// A frontier's bytes claiming `size` leaves, with the one hash per set bit that the size needs.
    static func frontierBytes(size: UInt64) -> [UInt8] {
        var bytes: [UInt8] = [MerkleFrontier.formatVersion]
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: size >> shift)) }
        for _ in 0..<size.nonzeroBitCount { bytes += Hash256.zero.bytes }
        return bytes
    }

    @Test func aFrontierBeyondTheLargestLogIsMalformedNotATrapOnAppend() throws {
        // A store's frontier of 2^64 − 1 leaves decoded, and the next append trapped (the size cannot grow).
        for size in [UInt64.max, Checkpoint.maximumTreeSize + 1] {
            let error = Support.expectError(.malformed, location: "size") {
                try MerkleFrontier(decoding: Self.frontierBytes(size: size))
            }
            #expect(error?.message.contains("\(size) is over the largest a log may reach") == true)
        }
        var largest = try MerkleFrontier(decoding: Self.frontierBytes(size: Checkpoint.maximumTreeSize))
        #expect(largest.size == Checkpoint.maximumTreeSize)
        largest.append(.zero)
        #expect(largest.size == Checkpoint.maximumTreeSize + 1)
    }
}
