import Foundation
import HallmarkCore

/// The steps of the PDQ specification, on flat buffers, in the same floating-point operations and order as Meta's
/// PDQ reference so that the bits agree with it: blur, decimate to 64×64, quality, 16×16 DCT, median, bits.
enum PDQAlgorithm {
    /// The side of the downscaled image the DCT reads.
    static let downscaledSide = 64
    /// The side of the block of DCT coefficients that make the hash.
    static let coefficientSide = 16
    /// The box filter runs along rows then columns this many times: two box passes make a tent filter.
    static let blurPasses = 2

    /// Rows 1–16 of the 64-point DCT-II (row 0, the mean, says nothing about the picture's shape), row-major 16×64:
    /// `sqrt(2/64) · cos(π/2/64 · (i+1) · (2j+1))`. The scale is rounded to Float first and the product computed in
    /// Double, as in the reference.
    static let dctMatrix: [Float] = {
        let columns = downscaledSide
        let scale = Double(Float(sqrt(2.0 / Double(columns))))
        return (0..<coefficientSide * columns).map { index in
            let (i, j) = index.quotientAndRemainder(dividingBy: columns)
            return Float(scale * cos((Double.pi / 2.0 / Double(columns)) * Double(i + 1) * Double(2 * j + 1)))
        }
    }()

    /// The box filter's window for shrinking `oldDimension` to `newDimension`: half the ratio, rounded up, because
    /// two passes of it span the whole ratio.
    static func jaroszWindowSize(oldDimension: Int, newDimension: Int) -> Int {
        (oldDimension + 2 * newDimension - 1) / (2 * newDimension)
    }

    /// Hashes `luma` (`width`×`height`, row-major, values 0–255), which it blurs in place; `scratch` holds as many
    /// values and is overwritten. Images under 5 pixels in either direction get the zero hash and quality 0, as in
    /// the reference.
    static func hash(
        luma: UnsafeMutableBufferPointer<Float>,
        scratch: UnsafeMutableBufferPointer<Float>,
        width: Int,
        height: Int
    ) -> ImageHash {
        guard width >= PDQHasher.minimumDimension, height >= PDQHasher.minimumDimension else {
            return ImageHash(hash: .zero, quality: 0)
        }
        let side = downscaledSide
        return withUnsafeTemporaryAllocation(of: Float.self, capacity: side * side) { downscaled in
            if width == side && height == side {
                // Already 64×64 (a frame scaled by a video decoder, say): the reference takes it as it is, unblurred.
                _ = downscaled.initialize(fromContentsOf: luma)
            } else {
                let rowWindow = jaroszWindowSize(oldDimension: width, newDimension: side)
                let columnWindow = jaroszWindowSize(oldDimension: height, newDimension: side)
                for _ in 0..<blurPasses {
                    boxAlongRows(from: luma, to: scratch, width: width, height: height, window: rowWindow)
                    boxAlongColumns(from: scratch, to: luma, width: width, height: height, window: columnWindow)
                }
                decimate(luma, width: width, height: height, into: downscaled)
            }
            let quality = imageDomainQuality(downscaled)
            return withUnsafeTemporaryAllocation(of: Float.self, capacity: coefficientSide * side) { partial in
                withUnsafeTemporaryAllocation(of: Float.self, capacity: coefficientSide * coefficientSide) { dct in
                    dct64To16(downscaled, partial: partial, into: dct)
                    return ImageHash(hash: bits(of: dct), quality: quality)
                }
            }
        }
    }

    /// The box filter's phases along one line of `length` values, as the reference runs them: the window grows from
    /// half its size at the start and shrinks again at the end, each output the mean of what it covers. `emit` gets
    /// the output index and the divisor; `add` and `subtract` the input index. Inlined, so that rows and columns
    /// share the phases without a closure call per value.
    @inline(__always)
    static func boxPhases(
        length: Int,
        window: Int,
        add: (Int) -> Void,
        subtract: (Int) -> Void,
        emit: (Int, Float) -> Void
    ) {
        let half = (window + 2) / 2
        var count = 0
        var read = 0
        var left = 0
        var out = 0
        for _ in 0..<max(half - 1, 0) {
            add(read)
            count += 1
            read += 1
        }
        for _ in 0..<max(window - half + 1, 0) {
            add(read)
            count += 1
            emit(out, Float(count))
            read += 1
            out += 1
        }
        for _ in 0..<max(length - window, 0) {
            add(read)
            subtract(left)
            emit(out, Float(count))
            left += 1
            read += 1
            out += 1
        }
        for _ in 0..<max(half - 1, 0) {
            subtract(left)
            count -= 1
            emit(out, Float(count))
            left += 1
            out += 1
        }
    }

    /// One box pass along every row.
    static func boxAlongRows(
        from input: UnsafeMutableBufferPointer<Float>,
        to output: UnsafeMutableBufferPointer<Float>,
        width: Int,
        height: Int,
        window: Int
    ) {
        guard let source = input.baseAddress, let target = output.baseAddress else { return }
        for row in 0..<height {
            let line = source + row * width
            let result = target + row * width
            var sum: Float = 0
            boxPhases(
                length: width,
                window: window,
                add: { sum += line[$0] },
                subtract: { sum -= line[$0] },
                emit: { result[$0] = sum / $1 }
            )
        }
    }

    /// One box pass along every column, done a row at a time with one running sum per column: the same operations
    /// in the same order for each column as walking down it, but reading memory in order.
    static func boxAlongColumns(
        from input: UnsafeMutableBufferPointer<Float>,
        to output: UnsafeMutableBufferPointer<Float>,
        width: Int,
        height: Int,
        window: Int
    ) {
        guard let source = input.baseAddress, let target = output.baseAddress else { return }
        withUnsafeTemporaryAllocation(of: Float.self, capacity: width) { buffer in
            buffer.initialize(repeating: 0)
            guard let sums = buffer.baseAddress else { return }
            boxPhases(
                length: height,
                window: window,
                add: { row in
                    let line = source + row * width
                    for j in 0..<width { sums[j] += line[j] }
                },
                subtract: { row in
                    let line = source + row * width
                    for j in 0..<width { sums[j] -= line[j] }
                },
                emit: { row, divisor in
                    let line = target + row * width
                    for j in 0..<width { line[j] = sums[j] / divisor }
                }
            )
        }
    }

    /// Samples the blurred image at the centres of a 64×64 grid: row `floor((i + 0.5) · height / 64)`, likewise
    /// for columns (in integers: `(2i + 1) · height / 128`, which is exact where the reference's doubles are too).
    static func decimate(
        _ input: UnsafeMutableBufferPointer<Float>,
        width: Int,
        height: Int,
        into output: UnsafeMutableBufferPointer<Float>
    ) {
        let side = downscaledSide
        for i in 0..<side {
            let row = (2 * i + 1) * height / (2 * side)
            for j in 0..<side {
                let column = (2 * j + 1) * width / (2 * side)
                output[i * side + j] = input[row * width + column]
            }
        }
    }

    /// The PDQ quality: each vertical and horizontal neighbour difference scaled to 0–100 and truncated, summed,
    /// divided by 90 and capped at 100.
    static func imageDomainQuality(_ image: UnsafeMutableBufferPointer<Float>) -> Int {
        let side = downscaledSide
        var gradientSum = 0
        func add(_ u: Float, _ v: Float) {
            // Within 0–100 for luma within 0–255; the cap keeps the conversion exact whatever the floats.
            var step = abs(((u - v) * 100) / 255).rounded(.towardZero)
            if !(step <= 1_000_000) { step = 1_000_000 }
            gradientSum += Int(exactly: step) ?? 0
        }
        for i in 0..<(side - 1) {
            for j in 0..<side { add(image[i * side + j], image[(i + 1) * side + j]) }
        }
        for i in 0..<side {
            for j in 0..<(side - 1) { add(image[i * side + j], image[i * side + j + 1]) }
        }
        return min(gradientSum / 90, 100)
    }

    /// The 16×16 block `D · A · Dᵀ` of the 64×64 `A`, through `partial = D · A`; sums taken in index order.
    static func dct64To16(
        _ image: UnsafeMutableBufferPointer<Float>,
        partial: UnsafeMutableBufferPointer<Float>,
        into output: UnsafeMutableBufferPointer<Float>
    ) {
        let side = downscaledSide
        let block = coefficientSide
        dctMatrix.withUnsafeBufferPointer { matrix in
            for i in 0..<block {
                for j in 0..<side {
                    var sum: Float = 0
                    for k in 0..<side { sum += matrix[i * side + k] * image[k * side + j] }
                    partial[i * side + j] = sum
                }
            }
            for i in 0..<block {
                for j in 0..<block {
                    var sum: Float = 0
                    for k in 0..<side { sum += partial[i * side + k] * matrix[j * side + k] }
                    output[i * block + j] = sum
                }
            }
        }
    }

    /// Bit `k` set when coefficient `k` (row-major) is above the median: the hash, bit `k` being bit `k` of the
    /// 256-bit big-endian number (so in word `w3` for bits 0–63, `w0` for bits 192–255).
    static func bits(of coefficients: UnsafeMutableBufferPointer<Float>) -> Hash256 {
        let median = torbenMedian(UnsafeBufferPointer(coefficients))
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        for k in 0..<coefficients.count where coefficients[k] > median {
            let bit: UInt64 = 1 << (k % 64)
            switch k / 64 {
            case 0: words.3 |= bit
            case 1: words.2 |= bit
            case 2: words.1 |= bit
            default: words.0 |= bit
            }
        }
        return Hash256(w0: words.0, w1: words.1, w2: words.2, w3: words.3)
    }

    /// The median by Torben Mogensen's method, which the PDQ specification uses: bisect between the smallest and
    /// largest value, counting those below and above the guess, without sorting or copying. For an even count it
    /// returns the lower of the two middle values, as the reference does. The values must be finite.
    static func torbenMedian(_ values: UnsafeBufferPointer<Float>) -> Float {
        guard var low = values.first else { return 0 }
        var high = low
        for value in values {
            low = Swift.min(low, value)
            high = Swift.max(high, value)
        }
        let half = (values.count + 1) / 2
        while true {
            let guess = (low + high) / 2
            var less = 0
            var greater = 0
            var equal = 0
            var largestBelow = low
            var smallestAbove = high
            for value in values {
                if value < guess {
                    less += 1
                    if value > largestBelow { largestBelow = value }
                } else if value > guess {
                    greater += 1
                    if value < smallestAbove { smallestAbove = value }
                } else {
                    equal += 1
                }
            }
            if less <= half && greater <= half {
                if less >= half { return largestBelow }
                if less + equal >= half { return guess }
                return smallestAbove
            }
            if less > greater {
                high = largestBelow
            } else {
                low = smallestAbove
            }
        }
    }
}
