/// Punycode (RFC 3492) encoding of one host label, for the `xn--` form of non-ASCII hosts.
enum Punycode {
    private static let base: UInt32 = 36
    private static let tMin: UInt32 = 1
    private static let tMax: UInt32 = 26
    private static let skew: UInt32 = 38
    private static let damp: UInt32 = 700
    private static let initialBias: UInt32 = 72
    private static let initialN: UInt32 = 0x80

    /// Appends the Punycode encoding of `codePoints` (without the `xn--` prefix) to `output`.
    ///
    /// Labels are at most a few hundred code points (inputs are limited to 1024 bytes), far from
    /// the 32-bit overflow that RFC 3492 §6.4 guards against.
    static func encode(_ codePoints: [UInt32], to output: inout [UInt8]) {
        var handled: UInt32 = 0
        for value in codePoints where value < 0x80 {
            output.append(UInt8(value))
            handled += 1
        }
        let basicCount = handled
        if basicCount > 0 { output.append(UInt8(ascii: "-")) }

        var n = initialN
        var delta: UInt32 = 0
        var bias = initialBias
        let total = UInt32(codePoints.count)
        while handled < total {
            let next = codePoints.filter { $0 >= n }.min()!
            delta += (next - n) * (handled + 1)
            n = next
            for value in codePoints {
                if value < n { delta += 1 }
                guard value == n else { continue }
                var q = delta
                var k = base
                while true {
                    let t = k <= bias ? tMin : (k >= bias + tMax ? tMax : k - bias)
                    if q < t { break }
                    output.append(digit(t + (q - t) % (base - t)))
                    q = (q - t) / (base - t)
                    k += base
                }
                output.append(digit(q))
                bias = adapt(delta: delta, count: handled + 1, first: handled == basicCount)
                delta = 0
                handled += 1
            }
            delta += 1
            n += 1
        }
    }

    private static func digit(_ value: UInt32) -> UInt8 {
        value < 26 ? UInt8(value) + UInt8(ascii: "a") : UInt8(value - 26) + UInt8(ascii: "0")
    }

    private static func adapt(delta: UInt32, count: UInt32, first: Bool) -> UInt32 {
        var delta = first ? delta / damp : delta / 2
        delta += delta / count
        var k: UInt32 = 0
        while delta > ((base - tMin) * tMax) / 2 {
            delta /= base - tMin
            k += base
        }
        return k + (base - tMin + 1) * delta / (delta + skew)
    }
}
