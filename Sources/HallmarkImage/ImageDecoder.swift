import CHallmarkImageCodecs
import Foundation
import HallmarkCore

/// An image decoded to 8-bit RGB.
public struct RGBImage: Sendable, Equatable {
    /// Pixels per row.
    public var width: Int
    /// Rows.
    public var height: Int
    /// `width × height × 3` bytes: rows top to bottom, each pixel red, green, blue.
    public var pixels: [UInt8]

    /// Creates an image from its size and pixels, which the caller keeps consistent.
    public init(width: Int, height: Int, pixels: [UInt8]) {
        self.width = width
        self.height = height
        self.pixels = pixels
    }
}

/// Decodes JPEG and PNG files, held in memory, to 8-bit RGB with the system's libjpeg(-turbo) and libpng.
///
/// The format is told from the first bytes. Grey, palette, 16-bit, CMYK and interlaced images are converted to
/// 8-bit RGB; 16-bit samples keep their high byte; transparent pixels are composited on white (as they show on a
/// white page). Corrupt or truncated data, and images with more pixels than ``maximumPixels`` (checked from the
/// header, before the pixels are allocated), are refused.
public struct ImageDecoder: Sendable {
    /// The default limit on width × height: 100 megapixels, far above any photograph worth hashing, and a bound on
    /// the memory a decompression bomb can claim (about 300 MB of RGB, 800 MB more while hashing).
    public static let defaultMaximumPixels = 100_000_000
    /// The largest file read, 256 MiB: more than any JPEG or PNG of ``defaultMaximumPixels`` needs.
    public static let maximumFileSize = 256 << 20

    /// The most pixels (width × height) an image may have.
    public var maximumPixels: Int

    /// Creates a decoder that refuses images with more than `maximumPixels` pixels.
    public init(maximumPixels: Int = ImageDecoder.defaultMaximumPixels) {
        self.maximumPixels = maximumPixels
    }

    /// Decodes a JPEG or PNG file's bytes.
    /// - Parameters:
    ///   - bytes: The whole file.
    ///   - source: What the bytes are, such as a file name, for the error's location.
    /// - Throws: ``HallmarkError`` `invalid-value` when the bytes are empty, not a JPEG or PNG, corrupt, truncated,
    ///   or an image with more than ``maximumPixels`` pixels.
    public func decode(_ bytes: some ContiguousBytes, source: String) throws -> RGBImage {
        try withDecoded(bytes, source: source) { pixels, width, height in
            RGBImage(width: width, height: height, pixels: Array(pixels))
        }
    }

    /// Reads and decodes the JPEG or PNG file at `path`.
    /// - Throws: ``HallmarkError`` `file-problem` when the file cannot be read, `invalid-value` as
    ///   ``decode(_:source:)``; both located at `path`.
    public func decode(fileAt path: String) throws -> RGBImage {
        try decode(ImageFile.read(path, limit: Self.maximumFileSize), source: path)
    }

    /// Decodes `bytes` and lends `body` the pixels (`width × height × 3` bytes), freed when it returns.
    func withDecoded<Result>(
        _ bytes: some ContiguousBytes,
        source: String,
        _ body: (UnsafeBufferPointer<UInt8>, Int, Int) throws -> Result
    ) throws -> Result {
        var image = hallmark_rgb_image()
        defer { hallmark_rgb_image_free(&image) }
        try bytes.withUnsafeBytes { raw in
            guard !raw.isEmpty, let base = raw.baseAddress?.assumingMemoryBound(to: UInt8.self) else {
                throw HallmarkError(.invalidValue, "the file is empty, not a JPEG or PNG image", location: source)
            }
            guard let format = ImageFormat(signatureOf: raw) else {
                throw HallmarkError(.invalidValue, ImageFormat.refusal(of: raw), location: source)
            }
            let limit = UInt64(clamping: max(maximumPixels, 0))
            let (status, message) = withUnsafeTemporaryAllocation(of: CChar.self, capacity: 512) { text in
                text.initialize(repeating: 0)
                let status =
                    switch format {
                    case .jpeg: hallmark_decode_jpeg(base, raw.count, limit, &image, text.baseAddress, text.count)
                    case .png: hallmark_decode_png(base, raw.count, limit, &image, text.baseAddress, text.count)
                    }
                return (status, text.baseAddress.map { String(cString: $0) } ?? "")
            }
            guard status == HALLMARK_DECODE_OK, image.pixels != nil else {
                throw HallmarkError(
                    .invalidValue,
                    message.isEmpty ? "the \(format.rawValue) image cannot be decoded" : message,
                    location: source
                )
            }
        }
        let width = Int(truncatingIfNeeded: image.width)
        let height = Int(truncatingIfNeeded: image.height)
        // The decoder allocated exactly width × height × 3 bytes.
        return try body(UnsafeBufferPointer(start: image.pixels, count: width * height * 3), width, height)
    }
}
