import Foundation
import HallmarkCore
import HallmarkImage
import HallmarkTestSupport
import Testing

@Suite struct ImageDecoderTests {
    let decoder = ImageDecoder()

    func refusal(_ bytes: [UInt8], decoder: ImageDecoder = ImageDecoder()) -> HallmarkError? {
        #expect(throws: HallmarkError.self) { try decoder.decode(bytes, source: "test.img") }
    }

    @Test func formatsAreToldByTheirSignature() {
        #expect(ImageFormat(signatureOf: TestImages.jpeg32) == .jpeg)
        #expect(ImageFormat(signatureOf: TestImage.pngSignature) == .png)
        #expect(ImageFormat(signatureOf: [0xFF, 0xD8]) == nil)
        #expect(ImageFormat(signatureOf: Array("GIF89a".utf8)) == nil)
    }

    @Test func emptyDataIsRefused() throws {
        let error = try #require(refusal([]))
        #expect(error.code == .invalidValue)
        #expect(error.location == "test.img")
        #expect(error.message.contains("empty"))
    }

    @Test func otherFormatsAreRefusedNamingWhatTheyStartWith() throws {
        var generator = SystemRandomNumberGenerator()
        var random = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) }
        random[0] = 0x00  // not FF or 89, whatever the draw
        let error = try #require(refusal(random))
        #expect(error.code == .invalidValue)
        #expect(error.message.hasPrefix("not a JPEG or PNG image (starts with 00 "))

        let gif = try #require(refusal(Array("GIF89a\u{1}\u{0}\u{1}\u{0}".utf8)))
        #expect(gif.message.contains("starts with 47 49 46 38 39 61 01 00"))
        #expect(gif.message.contains("a GIF image"))
        let html = try #require(refusal(Array("<!DOCTYPE html>".utf8)))
        #expect(html.message.contains("\"<!DOCTYP\""))
    }

    @Test func decodesAJPEG() throws {
        let image = try decoder.decode(TestImages.jpeg32, source: "small.jpg")
        #expect(image.width == 32 && image.height == 32)
        #expect(image.pixels.count == 32 * 32 * 3)
        // Lossy (and its colour at half resolution), so only near the synthetic image it was made from; the
        // reference tests check decoding against Pillow's to the bit.
        let source = TestImages.synthetic(width: 32, height: 32, square: 8)
        let errors = zip(image.pixels, source).map { abs(Int($0) - Int($1)) }
        #expect(errors.reduce(0, +) / source.count < 10)
        #expect(errors.max() ?? 0 < 100)
    }

    @Test func truncatedJPEGIsRefused() throws {
        let jpeg = TestImages.jpeg32
        for length in [3, 20, 200, jpeg.count / 2, jpeg.count - 40, jpeg.count - 2] {
            let error = try #require(refusal(Array(jpeg.prefix(length))), "cut at \(length)")
            #expect(error.code == .invalidValue)
            #expect(error.message.contains("JPEG"), "\(error)")
        }
        let cut = try #require(refusal(Array(jpeg.prefix(jpeg.count / 2))))
        #expect(cut.message.contains("cut short"), "\(cut)")
    }

    @Test func decodesPNGsOfEveryColourType() throws {
        let (width, height) = (7, 5)
        let rgb = TestImages.synthetic(width: width, height: height, square: 2)
        let png = TestImage.png(width: width, height: height, color: .rgb, samples: rgb)
        #expect(try decoder.decode(png, source: "rgb.png") == RGBImage(width: width, height: height, pixels: rgb))

        let grey: [UInt8] = (0..<(width * height)).map { UInt8($0 * 7) }
        let greyPNG = TestImage.png(width: width, height: height, color: .grey, samples: grey)
        let greyImage = try decoder.decode(greyPNG, source: "grey.png")
        #expect(greyImage.pixels == grey.flatMap { [$0, $0, $0] })

        // Alpha is composited on white: opaque keeps the colour, transparent is white, half is between.
        let rgba: [UInt8] = [200, 100, 0, 255, 200, 100, 0, 0, 0, 0, 0, 128, 10, 20, 30, 255]
        let rgbaPNG = TestImage.png(width: 2, height: 2, color: .rgba, samples: rgba)
        #expect(
            try decoder.decode(rgbaPNG, source: "rgba.png").pixels == [
                200, 100, 0, 255, 255, 255, 127, 127, 127, 10, 20, 30,
            ]
        )
        let greyAlpha: [UInt8] = [50, 255, 50, 0]
        let greyAlphaPNG = TestImage.png(width: 2, height: 1, color: .greyAlpha, samples: greyAlpha)
        #expect(try decoder.decode(greyAlphaPNG, source: "ga.png").pixels == [50, 50, 50, 255, 255, 255])
    }

    @Test func truncatedOrCorruptPNGIsRefused() throws {
        let rgb = TestImages.synthetic(width: 40, height: 30)
        let png = TestImage.png(width: 40, height: 30, color: .rgb, samples: rgb)
        for length in [8, 20, 33, 100, png.count / 2, png.count - 13, png.count - 1] {
            let error = try #require(refusal(Array(png.prefix(length))), "cut at \(length)")
            #expect(error.code == .invalidValue)
            #expect(error.message.contains("PNG"), "\(error)")
        }
        var corrupt = png
        corrupt[60] ^= 0x55  // inside IDAT: neither zlib's checksum nor the chunk's CRC matches
        let error = try #require(refusal(corrupt))
        #expect(error.message.hasPrefix("the PNG data cannot be decoded (libpng: IDAT: "), "\(error)")
    }

    @Test func hugeHeaderIsRefusedBeforeAllocating() throws {
        // 100 000 × 100 000 pixels would be 30 GB of RGB; the file holds one row's worth of data.
        let png = TestImage.png(
            width: 1,
            height: 1,
            color: .rgb,
            samples: [0, 0, 0],
            declaredWidth: 100_000,
            declaredHeight: 100_000
        )
        let error = try #require(refusal(png))
        #expect(error.code == .invalidValue)
        #expect(
            error.message.contains("100000 x 100000 pixels (10000000000 in all), more than the limit of 100000000"),
            "\(error)"
        )

        let small = ImageDecoder(maximumPixels: 1000)
        let jpegError = try #require(refusal(TestImages.jpeg32, decoder: small))
        #expect(jpegError.message.contains("32 x 32 pixels (1024 in all), more than the limit of 1000"), "\(jpegError)")
        #expect(try ImageDecoder(maximumPixels: 1024).decode(TestImages.jpeg32, source: "ok.jpg").width == 32)
    }

    /// Damaged files of every kind end in an error or an image, never in a crash (run under the address sanitizer
    /// to check reads too).
    @Test func mutatedFilesNeverCrash() throws {
        let png = TestImage.png(
            width: 40,
            height: 30,
            color: .rgb,
            samples: TestImages.synthetic(width: 40, height: 30)
        )
        var generator = SplitMix64(seed: 20_240_601)
        var decoded = 0
        var refused = 0
        for original in [TestImages.jpeg32, png] {
            for round in 0..<300 {
                var bytes = original
                for _ in 0..<(1 + round % 8) {
                    let index = Int(generator.next() % UInt64(bytes.count - 4)) + 4
                    bytes[index] = UInt8(truncatingIfNeeded: generator.next())
                }
                if round % 3 == 0 { bytes = Array(bytes.prefix(Int(generator.next() % UInt64(bytes.count)) + 1)) }
                do {
                    let image = try decoder.decode(bytes, source: "mutated")
                    #expect(image.pixels.count == image.width * image.height * 3)
                    decoded += 1
                } catch let error as HallmarkError {
                    #expect(error.code == .invalidValue)
                    refused += 1
                }
            }
        }
        print("mutated files: \(decoded) decoded, \(refused) refused")
        #expect(refused > 0)
    }

    @Test func hashesFilesByPath() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hallmark-image-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let rgb = TestImages.synthetic(width: 90, height: 70)
        let png = TestImage.png(width: 90, height: 70, color: .rgb, samples: rgb)
        let path = folder.appendingPathComponent("picture.png").path
        try Data(png).write(to: URL(fileURLWithPath: path))

        let hasher = ImageHasher()
        #expect(try hasher.hash(fileAt: path) == PDQHasher.hash(rgb: rgb, width: 90, height: 70))
        #expect(try hasher.hash(png, source: "picture.png") == PDQHasher.hash(rgb: rgb, width: 90, height: 70))
        #expect(try ImageDecoder().decode(fileAt: path).pixels == rgb)

        let missing = #expect(throws: HallmarkError.self) { try hasher.hash(fileAt: path + ".missing") }
        #expect(missing?.code == .fileProblem)
        #expect(missing?.location == path + ".missing")
        let folderError = #expect(throws: HallmarkError.self) { try hasher.hash(fileAt: folder.path) }
        #expect(folderError?.code == .fileProblem)

        let emptyPath = folder.appendingPathComponent("empty.jpg").path
        try Data().write(to: URL(fileURLWithPath: emptyPath))
        let empty = #expect(throws: HallmarkError.self) { try hasher.hash(fileAt: emptyPath) }
        #expect(empty?.code == .invalidValue)
        #expect(empty?.location == emptyPath)
    }
}

/// A small deterministic generator, so that a failing mutation can be replayed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
