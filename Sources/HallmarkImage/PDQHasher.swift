import HallmarkCore

/// PDQ hashes of pixels already decoded: 8-bit RGB or luma.
///
/// The steps are those of the PDQ specification, computed as Meta's PDQ reference computes them (the same
/// floating-point operations in the same order), so that the bits agree with it: luma, two passes of a box filter
/// along rows and columns, sampling at the centres of a 64×64 grid, the quality metric, the 16×16 low-frequency DCT
/// coefficients (without the mean), each bit set when its coefficient is above their median.
///
/// To hash a JPEG or PNG file, use ``ImageHasher``.
public enum PDQHasher {
    /// The smallest width or height hashed: a smaller image gets the zero hash and quality 0, as in the reference.
    public static let minimumDimension = 5

    /// Hashes an image of 8-bit RGB pixels.
    /// - Parameters:
    ///   - rgb: `width × height × 3` bytes: rows top to bottom, each pixel red, green, blue.
    ///   - width: Pixels per row, at least 1.
    ///   - height: Rows, at least 1.
    /// - Throws: ``HallmarkError`` `invalid-value` when the size is not positive or the byte count does not match it.
    public static func hash(rgb: [UInt8], width: Int, height: Int) throws -> ImageHash {
        let count = try pixelCount(width: width, height: height, channels: 3, actual: rgb.count, what: "RGB bytes")
        return rgb.withUnsafeBufferPointer { hash(rgb: $0, width: width, height: height, pixels: count) }
    }

    /// Hashes an image given as luma, `0.299 R + 0.587 G + 0.114 B` on the 0–255 scale of 8-bit samples.
    /// - Parameters:
    ///   - luma: `width × height` values, rows top to bottom, each finite and within 0...255.
    ///   - width: Pixels per row, at least 1.
    ///   - height: Rows, at least 1.
    /// - Throws: ``HallmarkError`` `invalid-value` when the size is not positive, the count does not match it, or a
    ///   value is outside 0...255 (or not a number).
    public static func hash(luma: [Float], width: Int, height: Int) throws -> ImageHash {
        let count = try pixelCount(width: width, height: height, channels: 1, actual: luma.count, what: "luma values")
        if let index = luma.firstIndex(where: { !(0...255).contains($0) }) {
            throw HallmarkError(
                .invalidValue,
                "luma value \(luma[index]) at pixel \(index % width), \(index / width) is outside 0...255"
            )
        }
        return withBuffers(count: count) { buffer, scratch in
            _ = buffer.initialize(fromContentsOf: luma)
            return PDQAlgorithm.hash(luma: buffer, scratch: scratch, width: width, height: height)
        }
    }

    /// Hashes `pixels` RGB pixels at `rgb`, whose count the caller has checked.
    static func hash(rgb: UnsafeBufferPointer<UInt8>, width: Int, height: Int, pixels: Int) -> ImageHash {
        withBuffers(count: pixels) { luma, scratch in
            fillLuma(luma, fromRGB: rgb)
            return PDQAlgorithm.hash(luma: luma, scratch: scratch, width: width, height: height)
        }
    }

    /// Luma with Float coefficients and Float arithmetic, summed red, green, blue, as the reference computes it.
    static func fillLuma(_ luma: UnsafeMutableBufferPointer<Float>, fromRGB rgb: UnsafeBufferPointer<UInt8>) {
        let red: Float = 0.299
        let green: Float = 0.587
        let blue: Float = 0.114
        for index in 0..<luma.count {
            let base = 3 * index
            luma[index] = red * Float(rgb[base]) + green * Float(rgb[base + 1]) + blue * Float(rgb[base + 2])
        }
    }

    /// The two full-size Float buffers the blur needs (it works in place and back), freed afterwards.
    private static func withBuffers<Result>(
        count: Int,
        _ body: (UnsafeMutableBufferPointer<Float>, UnsafeMutableBufferPointer<Float>) -> Result
    ) -> Result {
        // Sized by pixels the caller already holds (as bytes or floats), so no larger than what it has allocated.
        let luma = UnsafeMutableBufferPointer<Float>.allocate(capacity: count)
        defer { luma.deallocate() }
        let scratch = UnsafeMutableBufferPointer<Float>.allocate(capacity: count)
        defer { scratch.deallocate() }
        return body(luma, scratch)
    }

    /// `width × height`, checked to be positive, not to overflow, and to match `actual / channels`.
    private static func pixelCount(width: Int, height: Int, channels: Int, actual: Int, what: String) throws -> Int {
        guard width > 0, height > 0 else {
            throw HallmarkError(.invalidValue, "an image must be at least 1 × 1 pixels, got \(width) × \(height)")
        }
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        let (expected, overflow2) = pixels.multipliedReportingOverflow(by: channels)
        guard !overflow, !overflow2, expected == actual else {
            throw HallmarkError(
                .invalidValue,
                "a \(width) × \(height) image needs \(overflow || overflow2 ? "more" : "\(expected)") \(what), got \(actual)"
            )
        }
        return pixels
    }
}
