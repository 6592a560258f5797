import Foundation
import HallmarkCore

/// PDQ hashes of JPEG and PNG files: ``ImageDecoder`` then ``PDQHasher``, without copying the pixels between them.
public struct ImageHasher: Sendable {
    /// The decoder, and with it the limit on pixels.
    public var decoder: ImageDecoder

    /// Creates a hasher that refuses images with more than `maximumPixels` pixels.
    public init(maximumPixels: Int = ImageDecoder.defaultMaximumPixels) {
        self.decoder = ImageDecoder(maximumPixels: maximumPixels)
    }

    /// The PDQ hash of a JPEG or PNG file's bytes.
    /// - Parameters:
    ///   - bytes: The whole file.
    ///   - source: What the bytes are, such as a file name, for the error's location.
    /// - Throws: ``HallmarkError`` `invalid-value` as ``ImageDecoder/decode(_:source:)``.
    public func hash(_ bytes: some ContiguousBytes, source: String) throws -> ImageHash {
        try decoder.withDecoded(bytes, source: source) { pixels, width, height in
            PDQHasher.hash(rgb: pixels, width: width, height: height, pixels: width * height)
        }
    }

    /// The PDQ hash of the JPEG or PNG file at `path`.
    /// - Throws: ``HallmarkError`` `file-problem` when the file cannot be read, `invalid-value` as
    ///   ``ImageDecoder/decode(_:source:)``; both located at `path`.
    public func hash(fileAt path: String) throws -> ImageHash {
        try hash(ImageFile.read(path, limit: ImageDecoder.maximumFileSize), source: path)
    }
}
