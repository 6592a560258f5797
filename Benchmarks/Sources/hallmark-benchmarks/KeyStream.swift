import HallmarkCore

/// An endless, reproducible stream of 32-byte keys, computed from a counter so that 100 M keys
/// never have to sit in memory: key `i` of stream `s` is four SplitMix64 outputs of `(s, i)`.
///
/// Both filters get exactly the same keys: Hallmark's as ``Hash256`` values, libbloom's as the
/// same 32 bytes in memory.
struct KeyStream {
    /// Which stream: inserted keys and absent probes come from different streams.
    let stream: UInt64

    /// Key number `index`.
    @inline(__always)
    func key(_ index: Int) -> Hash256 {
        var state = (stream &<< 40 ^ UInt64(index)) &* 4 &* 0x9E37_79B9_7F4A_7C15
        return Hash256(w0: Self.mix(&state), w1: Self.mix(&state), w2: Self.mix(&state), w3: Self.mix(&state))
    }

    /// Fills `buffer` with keys `first ..< first + buffer.count`.
    func fill(_ buffer: UnsafeMutableBufferPointer<Hash256>, from first: Int) {
        for i in 0..<buffer.count { buffer[i] = key(first + i) }
    }

    /// One SplitMix64 step.
    @inline(__always)
    private static func mix(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z &>> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z &>> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z &>> 31)
    }
}
